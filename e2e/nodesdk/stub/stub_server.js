// THROWAWAY DEBUG STUB — NOT USED BY ANY TEST.
//
// A tiny fake "Zoho CRM" that answers exactly the requests sdk_e2e.js makes, with
// canned bodies shaped like the seed docs. It exists only so that the request
// sequence of the official Node SDK can be observed without the real zcrm server.
// Every request is logged as one JSON line to stderr (and to STUB_LOG if set).
//
//   node stub/stub_server.js            # listens on 127.0.0.1:$STUB_PORT (default 0 = random)
//
// It prints one line `STUB_URL=http://127.0.0.1:NNNN` on stdout once listening.
// Env knobs (debug only):
//   STUB_API_DOMAIN   value of api_domain in the token answer (default: own base URL)
//   STUB_NEG_FORM     "top" (default): already-delinked single delink answers a top-level
//                     400 {code,details,message,status}; "item": 400 {"data":[{…error…}]}
//   STUB_CADENCE_ID / STUB_CADENCE_NAME   cadence returned by GET cadences
//   STUB_NO_USER=1    answer users?type=CurrentUser with 204 (no user signature)
//   STUB_TOKEN_BODY / STUB_TOKEN_STATUS   raw body / HTTP status for the token endpoint
//   STUB_OVERRIDES    JSON {"METHOD /exact/path": {"status":N,"body":obj|string,"contentType":str|null}}
//                     to replay an arbitrary answer for one request (probing SDK parsing)
import http from "node:http";
import fs from "node:fs";

const port = Number(process.env.STUB_PORT || 0);
const cadenceId = process.env.STUB_CADENCE_ID || "3652397000017985012";
const cadenceName = process.env.STUB_CADENCE_NAME || "test 2";
const negForm = process.env.STUB_NEG_FORM || "top";
const logFile = process.env.STUB_LOG || null;
// {"METHOD /exact/path": {"status":400,"body":{…}|"raw","contentType":"…"|null}}
const overrides = process.env.STUB_OVERRIDES ? JSON.parse(process.env.STUB_OVERRIDES) : {};

// state: removed campaign<->contact links and deal<->contact roles
const delinked = new Set(); // `${campaign}:${contact}`
const rolesRemoved = new Set(); // `${deal}:${contact}`

function log(obj) {
  const line = JSON.stringify(obj);
  process.stderr.write(line + "\n");
  if (logFile) fs.appendFileSync(logFile, line + "\n");
}

function send(res, status, body) {
  if (body === null) {
    res.writeHead(status, { "Content-Type": "application/json;charset=utf-8" });
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json;charset=utf-8", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

function err(code, message, details = {}) {
  return { code, details, message, status: "error" };
}

function ok(id, message, extra = {}) {
  return { code: "SUCCESS", details: { ...extra, id: String(id) }, message, status: "success" };
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const raw = Buffer.concat(chunks).toString("utf8");
    const base = `http://${req.headers.host}`;
    const u = new URL(req.url, base);
    log({
      method: req.method,
      url: req.url,
      headers: Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, k === "authorization" ? String(v).replace(/^(\S+ ).*/, "$1<redacted>") : v])
      ),
      body: raw.length > 2000 ? raw.slice(0, 2000) + "…" : raw,
    });
    const p = u.pathname;
    const ov = overrides[`${req.method} ${p}`];
    if (ov) {
      const headers = ov.contentType === null ? {} : { "Content-Type": ov.contentType || "application/json;charset=utf-8" };
      res.writeHead(ov.status || 200, headers);
      return res.end(ov.body === undefined ? "" : typeof ov.body === "string" ? ov.body : JSON.stringify(ov.body));
    }
    const ids = (u.searchParams.get("ids") || "").split(",").filter((s) => s.length > 0);
    let m;

    if (req.method === "POST" && p === "/oauth/v2/token") {
      if (process.env.STUB_TOKEN_BODY) {
        res.writeHead(Number(process.env.STUB_TOKEN_STATUS || 200), { "Content-Type": "application/json;charset=utf-8" });
        return res.end(process.env.STUB_TOKEN_BODY);
      }
      return send(res, 200, {
        access_token: "1000.stubaccess0000000000000000000000.stubaccess1111111111111111111111",
        refresh_token: "1000.stubrefresh000000000000000000000.stubrefresh11111111111111111111",
        scope: "ZohoCRM.modules.ALL ZohoCRM.settings.ALL ZohoCRM.users.READ ZohoCRM.org.READ",
        api_domain: process.env.STUB_API_DOMAIN || base,
        token_type: "Bearer",
        expires_in: 3600,
      });
    }
    if (req.method === "GET" && p === "/crm/v8/users") {
      if (process.env.STUB_NO_USER === "1") return send(res, 204, null);
      return send(res, 200, {
        users: [{ id: "111000000000000001", email: "admin@example.com", full_name: "Stub Admin", status: "active" }],
        info: { per_page: 200, count: 1, page: 1, more_records: false },
      });
    }
    if (req.method === "GET" && p === "/crm/v8/org") {
      return send(res, 200, { org: [{ id: "111000000000000002", zgid: "111000000000000003", company_name: "Stub Org" }] });
    }
    if (req.method === "GET" && p === "/crm/v8/settings/automation/cadences") {
      return send(res, 200, {
        cadences: [
          {
            summary: { task_follow_up_count: 0, call_follow_up_count: 0, email_follow_up_count: 1 },
            created_time: "2024-07-17T23:06:07-0700",
            module: { api_name: "Contacts", id: "3652397000000002179" },
            active: false,
            execution_details: null,
            published: true,
            type: "Manual enrollment",
            created_by: { name: "Patricia Boyle", id: "3652397000000186017" },
            modified_time: "2024-07-17T23:34:40-0700",
            name: cadenceName,
            modified_by: { name: "Patricia Boyle", id: "3652397000000186017" },
            id: cadenceId,
            custom_view: null,
            status: "inactive",
          },
        ],
        info: { per_page: 50, count: 1, page: 1, more_records: false },
      });
    }
    if (req.method === "POST" && (m = p.match(/^\/crm\/v8\/([^/]+)\/actions\/unenrol_from_cadences$/))) {
      let body;
      try {
        body = JSON.parse(raw);
      } catch {
        return send(res, 400, err("UNABLE_TO_PARSE_DATA_TYPE", "either the request body or parameters is in wrong format"));
      }
      if (!Array.isArray(body.ids)) return send(res, 400, err("MANDATORY_NOT_FOUND", "Record ids not found", { api_name: "ids", json_path: "$.ids" }));
      const cads = (body.cadences_ids || []).map((id) => ({ name: id === cadenceId ? cadenceName : "?", id: String(id) }));
      return send(res, 200, { data: body.ids.map((id) => ok(id, "records manually unenrolled", { cadences: cads })) });
    }
    // DELETE /crm/v8/Campaigns/{c}/Contacts[?ids=] and /crm/v8/Campaigns/{c}/Contacts/{id}
    if (req.method === "DELETE" && (m = p.match(/^\/crm\/v8\/Campaigns\/(\d+)\/Contacts(?:\/(\d+))?$/))) {
      const camp = m[1];
      if (m[2]) {
        const key = `${camp}:${m[2]}`;
        if (delinked.has(key)) {
          if (negForm === "item") return send(res, 400, { data: [err("INVALID_DATA", "relation not found", { id: m[2] })] });
          return send(res, 400, err("MANDATORY_NOT_FOUND", "relation not found", {}));
        }
        delinked.add(key);
        return send(res, 200, { data: [ok(m[2], "relation removed")] });
      }
      if (ids.length === 0) return send(res, 400, err("REQUIRED_PARAM_MISSING", "One of the expected parameter is missing", { param_name: "ids" }));
      const items = ids.map((id) => {
        const key = `${camp}:${id}`;
        if (delinked.has(key)) return err("INVALID_DATA", "relation not found", { id });
        delinked.add(key);
        return ok(id, "relation removed");
      });
      const nok = items.filter((i) => i.status === "error").length;
      return send(res, nok === 0 ? 200 : nok === items.length ? 400 : 207, { data: items });
    }
    if (req.method === "DELETE" && (m = p.match(/^\/crm\/v8\/Deals\/(\d+)\/Contact_Roles(?:\/(\d+))?$/))) {
      const deal = m[1];
      if (m[2]) {
        const key = `${deal}:${m[2]}`;
        if (rolesRemoved.has(key)) return send(res, 400, err("MANDATORY_NOT_FOUND", "relation not found", {}));
        rolesRemoved.add(key);
        return send(res, 200, { data: [ok(m[2], "relation removed")] });
      }
      if (ids.length === 0) return send(res, 400, err("REQUIRED_PARAM_MISSING", "One of the expected parameter is missing", { param_name: "ids" }));
      const items = ids.map((id) => {
        const key = `${deal}:${id}`;
        if (rolesRemoved.has(key)) return err("INVALID_DATA", "relation not found", { id });
        rolesRemoved.add(key);
        return ok(id, "relation removed");
      });
      const nok = items.filter((i) => i.status === "error").length;
      return send(res, nok === 0 ? 200 : nok === items.length ? 400 : 207, { data: items });
    }
    return send(res, 404, err("INVALID_URL_PATTERN", "Please check if the URL trying to access is a correct one"));
  });
});

server.listen(port, "127.0.0.1", () => {
  const a = server.address();
  process.stdout.write(`STUB_URL=http://127.0.0.1:${a.port}\n`);
});
