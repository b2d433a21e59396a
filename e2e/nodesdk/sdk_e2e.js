// End-to-end check of a zcrm server driven by Zoho's OFFICIAL Node.js SDK
// (@zohocrm/nodejs-sdk-8.0, pinned in package.json / package-lock.json).
//
//   cd e2e/nodesdk && npm ci && node sdk_e2e.js
//
// Configuration (environment):
//   ZCRM_URL            base URL of the server, e.g. http://127.0.0.1:8080 — used both as the
//                       CRM API domain and as the accounts server ({ZCRM_URL}/oauth/v2/token)
//   ZCRM_CLIENT_ID, ZCRM_CLIENT_SECRET, ZCRM_GRANT_CODE   OAuth self-client + one-time grant code
//   ZCRM_WORKDIR        writable dir: SDK token store (sdk_tokens.csv), resources/, sdk.log
//   ZCRM_CADENCE_ID, ZCRM_CADENCE_NAME   a manual-enrolment cadence
//   ZCRM_CONTACT_IDS    comma list, >= 3 contacts enrolled in that cadence
//   ZCRM_CAMPAIGN_ID    campaign linked to all those contacts
//   ZCRM_DEAL_ID        deal on which all those contacts have a contact role
//   ZCRM_SEARCH_CONTACT_ID, ZCRM_SEARCH_EMAIL, ZCRM_SEARCH_LAST_NAME
//                       one contact with that email and last name (Search Records, COQL, Upsert)
//   ZCRM_WALK_IDS       comma list: every Lead of the org (the page-token walk reads them all)
//   ZCRM_ENGINE_CADENCE_ID, ZCRM_ENGINE_CONTACT_ID, ZCRM_ENGINE_TASK_SUBJECT
//                       an active manual cadence whose first follow-up makes a task with that
//                       subject an hour after enrolment, and a contact enrolled in nothing; the
//                       script enrols it, advances the clock by 2h through the control plane
//                       (POST {ZCRM_URL}/__zcrm/clock/advance, loopback: no admin token) and
//                       reads the task through the SDK
//
// Output: one JSON line per step {"step":…,"ok":true|false,"detail":…}; exit 1 if any step
// failed or threw, 0 otherwise. Every answer is read back through the SDK's own classes.
import * as path from "node:path";
import * as fs from "node:fs";
import * as ZOHOCRMSDK from "@zohocrm/nodejs-sdk-8.0";

const {
  DataCenter,
  OAuthBuilder,
  FileStore,
  LogBuilder,
  Levels,
  SDKConfigBuilder,
  InitializeBuilder,
  Initializer,
  ParameterMap,
  SDKException,
  Choice,
  Cadences,
  CadencesExecution,
  RelatedRecords,
  DealContactRoles,
  Record,
  Coql,
  Notes,
  Modules,
} = ZOHOCRMSDK;

// ---------------------------------------------------------------------------------------------
// configuration

function env(name, required = true) {
  const v = process.env[name];
  if (required && (v == null || v === "")) {
    throw new Error(`missing environment variable ${name}`);
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// output helpers

let failed = false;

function jsonSafe(value) {
  return JSON.parse(
    JSON.stringify(value, (k, v) => {
      if (k === "keyModified") return undefined; // SDK bookkeeping on model objects
      if (typeof v === "bigint") return v.toString();
      if (v instanceof Map) return Object.fromEntries(v);
      if (v instanceof Choice) return v.getValue();
      return v;
    })
  );
}

function emit(step, ok, detail) {
  if (!ok) failed = true;
  process.stdout.write(JSON.stringify({ step, ok, detail: jsonSafe(detail) }) + "\n");
}

function describeError(e) {
  if (e instanceof SDKException) {
    const out = { sdk_exception: true, code: e.code ?? null, message: e.message ?? null };
    if (e.details != null) out.details = e.details;
    if (e.cause != null) out.cause = String(e.cause && e.cause.stack ? e.cause.stack : e.cause).split("\n").slice(0, 4).join("\n");
    return out;
  }
  return { error: String(e && e.stack ? e.stack : e) };
}

// A step runs fn() which returns {ok, detail}; a throw is a failed step.
async function step(name, fn) {
  try {
    const { ok, detail } = await fn();
    emit(name, ok, detail);
    return ok;
  } catch (e) {
    emit(name, false, { threw: describeError(e) });
    return false;
  }
}

// Choice → its value, plain strings stay as they are (some SDK classes type `message` as a
// Choice, others as a String).
function val(x) {
  if (x instanceof Choice) return x.getValue();
  return x;
}

function str(x) {
  return x == null ? null : String(x);
}

// Reads one ActionResponse item (SuccessResponse or APIException of the given SDK package).
function readItem(pkg, item) {
  if (item instanceof pkg.SuccessResponse) {
    const details = item.getDetails();
    return {
      kind: "SuccessResponse",
      code: val(item.getCode()),
      status: val(item.getStatus()),
      message: val(item.getMessage()),
      details: details,
      id: details instanceof Map ? str(details.get("id")) : null,
    };
  }
  if (item instanceof pkg.APIException) {
    return {
      kind: "APIException",
      code: val(item.getCode()),
      status: val(item.getStatus()),
      message: val(item.getMessage()),
      details: item.getDetails(),
    };
  }
  return { kind: item == null ? "null" : item.constructor.name };
}

// Reads an APIResponse whose object should be an ActionWrapper of `pkg`.
function readAction(pkg, response) {
  const out = { http_status: response.getStatusCode() };
  const obj = response.getObject();
  if (obj instanceof pkg.ActionWrapper) {
    out.kind = "ActionWrapper";
    const data = obj.getData() || [];
    out.items = data.map((item) => readItem(pkg, item));
  } else if (obj instanceof pkg.APIException) {
    out.kind = "APIException";
    out.code = val(obj.getCode());
    out.status = val(obj.getStatus());
    out.message = val(obj.getMessage());
    out.details = obj.getDetails();
  } else {
    out.kind = obj == null ? "null" : obj.constructor.name;
  }
  return out;
}

// Checks that an action answer is an ActionWrapper holding exactly one SuccessResponse per
// expected id (in order), each with code SUCCESS, status success and the expected message.
function expectSuccessItems(read, expectedIds, expectedMessage) {
  const problems = [];
  if (read.kind !== "ActionWrapper") {
    problems.push(`expected ActionWrapper, got ${read.kind}`);
  } else {
    if (read.items.length !== expectedIds.length) {
      problems.push(`expected ${expectedIds.length} item(s), got ${read.items.length}`);
    }
    expectedIds.forEach((id, i) => {
      const it = read.items[i];
      if (!it) return;
      if (it.kind !== "SuccessResponse") problems.push(`item ${i}: expected SuccessResponse, got ${it.kind}`);
      if (it.code !== "SUCCESS") problems.push(`item ${i}: code ${it.code}`);
      if (it.status !== "success") problems.push(`item ${i}: status ${it.status}`);
      if (it.message !== expectedMessage) problems.push(`item ${i}: message ${JSON.stringify(it.message)}`);
      if (it.id !== String(id)) problems.push(`item ${i}: details.id ${it.id} != ${id}`);
    });
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// A custom data centre: zcrm serves both the accounts endpoint and the CRM API on ZCRM_URL.
// Mirrors USDataCenter (routes/dc/us_data_center.js): the SDK's "accounts URL" is the full
// token endpoint URL, i.e. {accounts}/oauth/v2/token.

class ZcrmDataCenter extends DataCenter {
  constructor(baseUrl) {
    super();
    this.baseUrl = baseUrl;
  }

  getIAMUrl() {
    return this.baseUrl + "/oauth/v2/token";
  }

  getFileUploadUrl() {
    return this.baseUrl;
  }

  environment() {
    return DataCenter.setEnvironment(this.baseUrl, this.getIAMUrl(), this.getFileUploadUrl());
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  let cfg;
  try {
    cfg = {
      url: env("ZCRM_URL").replace(/\/+$/, ""),
      clientId: env("ZCRM_CLIENT_ID"),
      clientSecret: env("ZCRM_CLIENT_SECRET"),
      grantCode: env("ZCRM_GRANT_CODE"),
      workdir: path.resolve(env("ZCRM_WORKDIR")),
      cadenceId: env("ZCRM_CADENCE_ID"),
      cadenceName: env("ZCRM_CADENCE_NAME"),
      contactIds: env("ZCRM_CONTACT_IDS")
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
      campaignId: env("ZCRM_CAMPAIGN_ID"),
      dealId: env("ZCRM_DEAL_ID"),
      searchContactId: env("ZCRM_SEARCH_CONTACT_ID"),
      searchEmail: env("ZCRM_SEARCH_EMAIL"),
      searchLastName: env("ZCRM_SEARCH_LAST_NAME"),
      walkIds: env("ZCRM_WALK_IDS")
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
      engineCadenceId: env("ZCRM_ENGINE_CADENCE_ID"),
      engineContactId: env("ZCRM_ENGINE_CONTACT_ID"),
      engineTaskSubject: env("ZCRM_ENGINE_TASK_SUBJECT"),
    };
    if (cfg.walkIds.length < 3) throw new Error("ZCRM_WALK_IDS needs at least 3 ids");
    if (cfg.contactIds.length < 3) throw new Error("ZCRM_CONTACT_IDS needs at least 3 ids");
    for (const [k, v] of [
      ["ZCRM_CADENCE_ID", cfg.cadenceId],
      ["ZCRM_CAMPAIGN_ID", cfg.campaignId],
      ["ZCRM_DEAL_ID", cfg.dealId],
      ["ZCRM_SEARCH_CONTACT_ID", cfg.searchContactId],
      ["ZCRM_ENGINE_CADENCE_ID", cfg.engineCadenceId],
      ["ZCRM_ENGINE_CONTACT_ID", cfg.engineContactId],
      ...cfg.contactIds.map((c) => ["ZCRM_CONTACT_IDS", c]),
      ...cfg.walkIds.map((c) => ["ZCRM_WALK_IDS", c]),
    ]) {
      if (!/^\d+$/.test(v)) throw new Error(`${k}: ${v} is not a numeric id`);
    }
    fs.mkdirSync(cfg.workdir, { recursive: true });
  } catch (e) {
    emit("config", false, { error: String(e.message || e) });
    return;
  }
  const [c1, c2, c3] = cfg.contactIds;

  // ---- init: the SDK exchanges the grant code during initialize() --------------------------
  const initOk = await step("init", async () => {
    const environment = new ZcrmDataCenter(cfg.url).environment();
    const token = new OAuthBuilder()
      .clientId(cfg.clientId)
      .clientSecret(cfg.clientSecret)
      .grantToken(cfg.grantCode)
      .build();
    const logger = new LogBuilder().level(Levels.INFO).filePath(path.join(cfg.workdir, "sdk.log")).build();
    const store = new FileStore(path.join(cfg.workdir, "sdk_tokens.csv"));
    const sdkConfig = new SDKConfigBuilder()
      .autoRefreshFields(false) // the SDK default: fetch field metadata lazily, never all modules
      .pickListValidation(false)
      .timeout(30000) // ms per HTTP request, so a silent server fails the step instead of hanging
      .build();
    await (await new InitializeBuilder())
      .environment(environment)
      .token(token)
      .store(store)
      .SDKConfig(sdkConfig)
      // with a trailing separator: the SDK's related-list cache (Utility.getRelatedLists) writes
      // to getResourcePath() + "resources/…" without one
      .resourcePath(cfg.workdir + path.sep)
      .logger(logger)
      .initialize();
    const init = await Initializer.getInitializer();
    const tok = init.getToken();
    const sig = tok.getUserSignature();
    const detail = {
      environment_url: init.getEnvironment().getUrl(),
      accounts_url: init.getEnvironment().getAccountsUrl(),
      token_id: tok.getId(),
      has_access_token: !!tok.getAccessToken(),
      has_refresh_token: !!tok.getRefreshToken(),
      api_domain: tok.getAPIDomain(),
      user_signature: sig ? sig.getName() : null,
    };
    // The SDK replaces its environment with a real Zoho one on the next call when the stored
    // api_domain is a known Zoho domain (DataCenter.get); the server must not send one.
    detail.api_domain_is_known_zoho_domain = (await DataCenter.get(tok.getAPIDomain())) != null;
    return {
      ok: detail.has_access_token && detail.environment_url === cfg.url && !detail.api_domain_is_known_zoho_domain,
      detail,
    };
  });
  if (!initOk) {
    for (const s of [
      "get_cadences",
      "unenroll_cadences",
      "delink_records",
      "delink_record",
      "delete_associated_contact_roles",
      "delete_contact_role_relation",
      "delink_record_again_negative",
      ...FIND_AND_WRITE_STEPS,
    ]) {
      emit(s, false, "skipped: init failed");
    }
    return;
  }

  // ---- a. GET /settings/automation/cadences -----------------------------------------------
  await step("get_cadences", async () => {
    const response = await new Cadences.CadencesOperations().getCadences();
    const obj = response.getObject();
    const detail = { http_status: response.getStatusCode() };
    const problems = [];
    if (obj instanceof Cadences.ResponseWrapper) {
      const list = obj.getCadences() || [];
      detail.kind = "ResponseWrapper";
      detail.cadences = list.map((c) => ({
        id: str(c.getId()),
        id_is_bigint: typeof c.getId() === "bigint",
        name: c.getName(),
        type: c.getType(),
        status: c.getStatus(),
        active: c.getActive(),
        published: c.getPublished(),
        module: c.getModule() ? c.getModule().getAPIName() : null,
      }));
      const info = obj.getInfo();
      detail.info = info
        ? { per_page: info.getPerPage(), count: info.getCount(), page: info.getPage(), more_records: info.getMoreRecords() }
        : null;
      const found = list.find((c) => str(c.getId()) === cfg.cadenceId);
      if (!found) problems.push(`cadence ${cfg.cadenceId} not in list`);
      else if (found.getName() !== cfg.cadenceName) problems.push(`cadence name ${JSON.stringify(found.getName())} != ${JSON.stringify(cfg.cadenceName)}`);
      if (!info) problems.push("no info");
      else if (info.getPerPage() !== 50) problems.push(`info.per_page ${info.getPerPage()} != 50`);
    } else if (obj instanceof Cadences.APIException) {
      detail.kind = "APIException";
      detail.code = val(obj.getCode());
      detail.message = val(obj.getMessage());
      detail.details = obj.getDetails();
      problems.push("got APIException");
    } else {
      detail.kind = obj == null ? "null" : obj.constructor.name;
      problems.push(`unexpected object ${detail.kind}`);
    }
    if (response.getStatusCode() !== 200) problems.push(`HTTP ${response.getStatusCode()}`);
    detail.problems = problems;
    return { ok: problems.length === 0, detail };
  });

  // ---- b. POST /Contacts/actions/unenrol_from_cadences ------------------------------------
  await step("unenroll_cadences", async () => {
    const body = new CadencesExecution.BodyWrapper();
    body.setCadencesIds([cfg.cadenceId]);
    body.setIds([c1]);
    const response = await new CadencesExecution.CadencesExecutionOperations().unenrollCadences("Contacts", body);
    const read = readAction(CadencesExecution, response);
    const problems = expectSuccessItems(read, [c1], "records manually unenrolled");
    // informative: which cadences the server says the record left (seed: details.cadences)
    if (read.kind === "ActionWrapper" && read.items[0] && read.items[0].details instanceof Map) {
      const cads = read.items[0].details.get("cadences");
      read.unenrolled_from = Array.isArray(cads)
        ? cads.map((c) => (c instanceof CadencesExecution.Cadence ? { id: str(c.getId()), name: c.getName() } : c))
        : null;
    }
    if (response.getStatusCode() !== 200) problems.push(`HTTP ${response.getStatusCode()}`);
    read.problems = problems;
    return { ok: problems.length === 0, detail: read };
  });

  const relatedOps = new RelatedRecords.RelatedRecordsOperations("Contacts", "Campaigns");

  // ---- c1. DELETE /Campaigns/{campaign}/Contacts?ids=c1,c2 --------------------------------
  await step("delink_records", async () => {
    const params = new ParameterMap();
    await params.add(RelatedRecords.DelinkRecordsParam.IDS, c1);
    await params.add(RelatedRecords.DelinkRecordsParam.IDS, c2);
    const response = await relatedOps.delinkRecords(BigInt(cfg.campaignId), params);
    const read = readAction(RelatedRecords, response);
    const problems = expectSuccessItems(read, [c1, c2], "relation removed");
    if (response.getStatusCode() !== 200) problems.push(`HTTP ${response.getStatusCode()}`);
    read.problems = problems;
    return { ok: problems.length === 0, detail: read };
  });

  // ---- c2. DELETE /Campaigns/{campaign}/Contacts/{c3} -------------------------------------
  await step("delink_record", async () => {
    const response = await relatedOps.delinkRecord(BigInt(c3), BigInt(cfg.campaignId));
    const read = readAction(RelatedRecords, response);
    const problems = expectSuccessItems(read, [c3], "relation removed");
    if (response.getStatusCode() !== 200) problems.push(`HTTP ${response.getStatusCode()}`);
    read.problems = problems;
    return { ok: problems.length === 0, detail: read };
  });

  const dealOps = new DealContactRoles.DealContactRolesOperations();

  // ---- d1. DELETE /Deals/{deal}/Contact_Roles?ids=c1,c2 -----------------------------------
  await step("delete_associated_contact_roles", async () => {
    const params = new ParameterMap();
    await params.add(DealContactRoles.DeleteAssociatedContactRolesParam.IDS, c1);
    await params.add(DealContactRoles.DeleteAssociatedContactRolesParam.IDS, c2);
    const response = await dealOps.deleteAssociatedContactRoles(BigInt(cfg.dealId), params);
    const read = readAction(DealContactRoles, response);
    const problems = expectSuccessItems(read, [c1, c2], "relation removed");
    if (response.getStatusCode() !== 200) problems.push(`HTTP ${response.getStatusCode()}`);
    read.problems = problems;
    return { ok: problems.length === 0, detail: read };
  });

  // ---- d2. DELETE /Deals/{deal}/Contact_Roles/{c3} ----------------------------------------
  await step("delete_contact_role_relation", async () => {
    const response = await dealOps.deleteContactRoleRelation(BigInt(c3), BigInt(cfg.dealId));
    const read = readAction(DealContactRoles, response);
    const problems = expectSuccessItems(read, [c3], "relation removed");
    if (response.getStatusCode() !== 200) problems.push(`HTTP ${response.getStatusCode()}`);
    read.problems = problems;
    return { ok: problems.length === 0, detail: read };
  });

  // ---- e. negative: delink c3 from the campaign again -> APIException ---------------------
  // Accepted shapes: a top-level APIException ({code,details,message,status}) or an
  // ActionWrapper whose single item is an APIException ({"data":[{…error…}]}). Either way the
  // HTTP status must be 4xx.
  await step("delink_record_again_negative", async () => {
    const response = await relatedOps.delinkRecord(BigInt(c3), BigInt(cfg.campaignId));
    const read = readAction(RelatedRecords, response);
    const problems = [];
    let exc = null;
    if (read.kind === "APIException") {
      exc = { form: "top-level", code: read.code, status: read.status, message: read.message, details: read.details };
    } else if (read.kind === "ActionWrapper" && read.items.length === 1 && read.items[0].kind === "APIException") {
      const it = read.items[0];
      exc = { form: "data[0]", code: it.code, status: it.status, message: it.message, details: it.details };
    } else {
      problems.push(`expected an APIException, got ${read.kind}${read.items ? " " + JSON.stringify(read.items.map((i) => i.kind)) : ""}`);
    }
    if (exc) {
      if (!exc.code) problems.push("APIException without code");
      if (exc.status !== "error") problems.push(`status ${exc.status}`);
    }
    const http = response.getStatusCode();
    if (!(http >= 400 && http < 500)) problems.push(`HTTP ${http} (expected 4xx)`);
    return { ok: problems.length === 0, detail: { http_status: http, api_exception: exc, raw: exc ? undefined : read, problems } };
  });

  await findAndWrite(cfg);

  // ---- the SDK must still be talking to ZCRM_URL (it switches to a real Zoho host when the
  // token answer's api_domain is a known Zoho domain).
  await step("environment_unchanged", async () => {
    const init = await Initializer.getInitializer();
    const url = init.getEnvironment().getUrl();
    return { ok: url === cfg.url, detail: { environment_url: url, expected: cfg.url } };
  });
}

// ---------------------------------------------------------------------------------------------
// Finding and writing records (Search Records, COQL, a page-token walk, Upsert, Notes, Tasks),
// a raw Bearer call, and the cadence engine: each answer read back through the SDK's classes.

const FIND_AND_WRITE_STEPS = [
  "search_records_criteria",
  "search_records_email",
  "coql_query",
  "page_token_walk",
  "upsert_records",
  "create_note_and_read",
  "create_task_and_read",
  "raw_bearer_call",
  "engine_enrol",
  "engine_clock_advance",
  "engine_task_created",
];

// Reads a Record.ResponseWrapper answer (Get Records, Search Records, related records).
function readRecords(pkg, response, fields) {
  const out = { http_status: response.getStatusCode() };
  const obj = response.getObject();
  if (obj instanceof pkg.ResponseWrapper) {
    out.kind = "ResponseWrapper";
    out.records = (obj.getData() || []).map((r) => {
      const row = { id: str(r.getId()), id_is_bigint: typeof r.getId() === "bigint" };
      for (const f of fields) row[f] = lookupOrValue(r.getKeyValue(f));
      return row;
    });
    const info = obj.getInfo();
    out.info = info
      ? {
          per_page: info.getPerPage(),
          count: info.getCount(),
          page: info.getPage(),
          more_records: info.getMoreRecords(),
          next_page_token: typeof info.getNextPageToken === "function" ? info.getNextPageToken() : undefined,
          previous_page_token: typeof info.getPreviousPageToken === "function" ? info.getPreviousPageToken() : undefined,
        }
      : null;
  } else if (obj instanceof pkg.APIException) {
    out.kind = "APIException";
    out.code = val(obj.getCode());
    out.message = val(obj.getMessage());
    out.details = obj.getDetails();
  } else {
    out.kind = obj == null ? "null" : obj.constructor.name;
  }
  return out;
}

// A lookup's value as the SDK gives it (a Record, a Map, or a plain object) → its id, or the
// value itself.
function lookupOrValue(v) {
  if (v == null) return null;
  if (v instanceof Record.Record) return { id: str(v.getId()), name: v.getKeyValue("name") ?? null };
  if (v instanceof Map) return { id: str(v.get("id")), name: v.get("name") ?? null };
  if (typeof v === "object" && !(v instanceof Choice) && "id" in v) return { id: str(v.id), name: v.name ?? null };
  return val(v);
}

// expectOne checks a records answer holds exactly one record, with id and the given values.
function expectOne(read, id, values) {
  const problems = [];
  if (read.kind !== "ResponseWrapper") return [`expected ResponseWrapper, got ${read.kind}`];
  if (read.records.length !== 1) problems.push(`expected 1 record, got ${read.records.length}`);
  const r = read.records[0];
  if (r) {
    if (r.id !== String(id)) problems.push(`id ${r.id} != ${id}`);
    if (!r.id_is_bigint) problems.push("id is not a BigInt");
    for (const [k, v] of Object.entries(values)) {
      if (r[k] !== v) problems.push(`${k} ${JSON.stringify(r[k])} != ${JSON.stringify(v)}`);
    }
  }
  if (read.http_status !== 200) problems.push(`HTTP ${read.http_status}`);
  return problems;
}

// A raw call with fetch (no SDK): method, path under ZCRM_URL, headers, JSON body.
async function raw(cfg, method, p, headers = {}, body = undefined) {
  const res = await fetch(cfg.url + p, {
    method,
    headers: body === undefined ? headers : { ...headers, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, json, text: json ? undefined : text.slice(0, 300) };
}

async function findAndWrite(cfg) {
  const contacts = new Record.RecordOperations("Contacts");

  // ---- Search Records by criteria: GET /Contacts/search?criteria=(Last_Name:equals:…) -----
  await step("search_records_criteria", async () => {
    const params = new ParameterMap();
    await params.add(Record.SearchRecordsParam.CRITERIA, `(Last_Name:equals:${cfg.searchLastName})`);
    await params.add(Record.SearchRecordsParam.FIELDS, "Last_Name,Email");
    const read = readRecords(Record, await contacts.searchRecords(params), ["Last_Name", "Email"]);
    read.problems = expectOne(read, cfg.searchContactId, { Last_Name: cfg.searchLastName, Email: cfg.searchEmail });
    return { ok: read.problems.length === 0, detail: read };
  });

  // ---- Search Records by email: GET /Contacts/search?email=… -------------------------------
  await step("search_records_email", async () => {
    const params = new ParameterMap();
    await params.add(Record.SearchRecordsParam.EMAIL, cfg.searchEmail);
    await params.add(Record.SearchRecordsParam.FIELDS, "Last_Name,Email");
    const read = readRecords(Record, await contacts.searchRecords(params), ["Last_Name", "Email"]);
    read.problems = expectOne(read, cfg.searchContactId, { Last_Name: cfg.searchLastName, Email: cfg.searchEmail });
    return { ok: read.problems.length === 0, detail: read };
  });

  // ---- COQL: POST /coql {"select_query": …} ----------------------------------------------
  await step("coql_query", async () => {
    const body = new Coql.BodyWrapper();
    body.setSelectQuery(`select Last_Name, Email from Contacts where Email = '${cfg.searchEmail}' limit 10`);
    const response = await new Coql.CoqlOperations().getRecords(body);
    const obj = response.getObject();
    const detail = { http_status: response.getStatusCode() };
    const problems = [];
    if (obj instanceof Coql.ResponseWrapper) {
      detail.kind = "ResponseWrapper";
      detail.records = (obj.getData() || []).map((r) => ({
        class: r == null ? null : r.constructor.name,
        id: r instanceof Record.Record ? str(r.getId()) : null,
        Last_Name: r instanceof Record.Record ? r.getKeyValue("Last_Name") : null,
        Email: r instanceof Record.Record ? r.getKeyValue("Email") : null,
      }));
      const info = obj.getInfo();
      detail.info = info ? { count: info.getCount(), more_records: info.getMoreRecords() } : null;
      if (detail.records.length !== 1) problems.push(`expected 1 row, got ${detail.records.length}`);
      const r = detail.records[0];
      if (r) {
        if (r.class !== "Record") problems.push(`row is a ${r.class}, not a Record`);
        if (r.id !== cfg.searchContactId) problems.push(`id ${r.id} != ${cfg.searchContactId}`);
        if (r.Last_Name !== cfg.searchLastName) problems.push(`Last_Name ${r.Last_Name}`);
        if (r.Email !== cfg.searchEmail) problems.push(`Email ${r.Email}`);
      }
      if (!info || info.getCount() !== 1 || info.getMoreRecords() !== false) problems.push(`info ${JSON.stringify(detail.info)}`);
    } else if (obj instanceof Coql.APIException) {
      Object.assign(detail, { kind: "APIException", code: val(obj.getCode()), message: val(obj.getMessage()), details: obj.getDetails() });
      problems.push("got APIException");
    } else {
      detail.kind = obj == null ? "null" : obj.constructor.name;
      problems.push(`unexpected object ${detail.kind}`);
    }
    if (response.getStatusCode() !== 200) problems.push(`HTTP ${response.getStatusCode()}`);
    detail.problems = problems;
    return { ok: problems.length === 0, detail };
  });

  // ---- A page-token walk: GET /Leads?fields=…&per_page=2, then page_token=… to the end ----
  await step("page_token_walk", async () => {
    const leads = new Record.RecordOperations("Leads");
    const pages = [];
    const seen = [];
    const problems = [];
    let token = null;
    for (let i = 0; i < 20; i++) {
      const params = new ParameterMap();
      await params.add(Record.GetRecordsParam.FIELDS, "Last_Name");
      await params.add(Record.GetRecordsParam.PER_PAGE, 2);
      if (token != null) await params.add(Record.GetRecordsParam.PAGE_TOKEN, token);
      const read = readRecords(Record, await leads.getRecords(params), ["Last_Name"]);
      pages.push({ http_status: read.http_status, kind: read.kind, ids: (read.records || []).map((r) => r.id), info: read.info });
      if (read.kind !== "ResponseWrapper") {
        problems.push(`page ${i + 1}: ${read.kind} ${read.code || ""}`);
        break;
      }
      seen.push(...read.records.map((r) => r.id));
      const next = read.info ? read.info.next_page_token : null;
      if (read.info && read.info.more_records && !next) problems.push(`page ${i + 1}: more_records without next_page_token`);
      if (read.info && !read.info.more_records && next) problems.push(`page ${i + 1}: next_page_token without more_records`);
      if (!read.info || !read.info.more_records) break;
      token = next;
    }
    const want = [...cfg.walkIds].sort();
    const got = [...seen].sort();
    if (JSON.stringify(want) !== JSON.stringify(got)) problems.push(`walked ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    if (pages.length < 2) problems.push(`only ${pages.length} page(s): no token was followed`);
    if (pages.length >= 2 && !pages[1].info?.previous_page_token) problems.push("page 2 has no previous_page_token");
    return { ok: problems.length === 0, detail: { pages, problems } };
  });

  // ---- Upsert: POST /Contacts/upsert, duplicate_check_fields [Email]: one update, one insert
  let upsertedId = null;
  await step("upsert_records", async () => {
    const existing = new Record.Record();
    existing.addKeyValue("Last_Name", cfg.searchLastName);
    existing.addKeyValue("Email", cfg.searchEmail);
    existing.addKeyValue("Phone", "555-0100");
    const fresh = new Record.Record();
    fresh.addKeyValue("Last_Name", "Upserted");
    fresh.addKeyValue("Email", "upserted@example.com");
    const body = new Record.BodyWrapper();
    body.setData([existing, fresh]);
    body.setDuplicateCheckFields(["Email"]);
    const response = await contacts.upsertRecords(body);
    const read = readAction(Record, response);
    const problems = [];
    if (read.kind === "ActionWrapper") {
      const obj = response.getObject();
      read.actions = (obj.getData() || []).map((it) =>
        it instanceof Record.SuccessResponse ? { action: val(it.getAction()), duplicate_field: it.getDuplicateField() } : null
      );
      const [u, i] = read.items;
      if (read.items.length !== 2) problems.push(`expected 2 items, got ${read.items.length}`);
      if (!u || u.kind !== "SuccessResponse" || u.message !== "record updated" || u.id !== cfg.searchContactId) problems.push(`item 0 ${JSON.stringify(u)}`);
      if (!i || i.kind !== "SuccessResponse" || i.message !== "record added" || !i.id) problems.push(`item 1 ${JSON.stringify(i)}`);
      if (read.actions[0]?.action !== "update" || read.actions[1]?.action !== "insert") problems.push(`actions ${JSON.stringify(read.actions)}`);
      if (read.actions[0]?.duplicate_field !== "Email") problems.push(`duplicate_field ${read.actions[0]?.duplicate_field}`);
      upsertedId = i ? i.id : null;
    } else {
      problems.push(`expected ActionWrapper, got ${read.kind}`);
    }
    if (response.getStatusCode() !== 200) problems.push(`HTTP ${response.getStatusCode()}`);
    // read both back: the update kept the id and set Phone, the insert is there under its id
    if (problems.length === 0) {
      const params = new ParameterMap();
      await params.add(Record.GetRecordParam.FIELDS, "Last_Name,Email,Phone");
      const updated = readRecords(Record, await contacts.getRecord(BigInt(cfg.searchContactId), params), ["Last_Name", "Email", "Phone"]);
      problems.push(...expectOne(updated, cfg.searchContactId, { Email: cfg.searchEmail, Phone: "555-0100" }));
      const inserted = readRecords(Record, await contacts.getRecord(BigInt(upsertedId), params), ["Last_Name", "Email", "Phone"]);
      problems.push(...expectOne(inserted, upsertedId, { Last_Name: "Upserted", Email: "upserted@example.com" }));
      read.read_back = { updated: updated.records, inserted: inserted.records };
    }
    read.problems = problems;
    return { ok: problems.length === 0, detail: read };
  });

  // ---- A note under a record: POST /Notes with Parent_Id, then GET /Notes/{id} -----------
  await step("create_note_and_read", async () => {
    const module = new Modules.MinifiedModule();
    module.setAPIName("Contacts");
    const parent = new Notes.ParentId();
    await parent.setModule(module);
    parent.setId(BigInt(cfg.searchContactId));
    const note = new Notes.Note();
    note.setNoteTitle("Met at the fair");
    note.setNoteContent("Wants a demo next week.");
    await note.setParentId(parent);
    const body = new Notes.BodyWrapper();
    body.setData([note]);
    const ops = new Notes.NotesOperations();
    const response = await ops.createNotes(body);
    const read = readAction(Notes, response);
    const problems = [];
    const it = read.items ? read.items[0] : null;
    if (read.kind !== "ActionWrapper" || read.items.length !== 1 || it.kind !== "SuccessResponse" || it.code !== "SUCCESS" || !it.id) {
      problems.push(`create: ${JSON.stringify(read)}`);
    }
    if (response.getStatusCode() !== 201) problems.push(`create: HTTP ${response.getStatusCode()}`);
    if (problems.length === 0) {
      const params = new ParameterMap();
      await params.add(Notes.GetNoteParam.FIELDS, "Note_Title,Note_Content,Parent_Id");
      const got = await ops.getNote(BigInt(it.id), params);
      const obj = got.getObject();
      if (obj instanceof Notes.ResponseWrapper) {
        const notes = obj.getData() || [];
        read.read_back = notes.map((n) => ({
          id: str(n.getId()),
          title: n.getNoteTitle(),
          content: n.getNoteContent(),
          parent_id: n.getParentId() ? str(n.getParentId().getId()) : null,
          parent_module: n.getParentId() && n.getParentId().getModule() ? n.getParentId().getModule().getAPIName() : null,
        }));
        const n = read.read_back[0];
        if (notes.length !== 1) problems.push(`read ${notes.length} notes`);
        else if (n.id !== it.id || n.title !== "Met at the fair" || n.content !== "Wants a demo next week." || n.parent_id !== cfg.searchContactId || n.parent_module !== "Contacts") {
          problems.push(`read back ${JSON.stringify(n)}`);
        }
      } else {
        problems.push(`read: ${obj == null ? "null" : obj.constructor.name} (HTTP ${got.getStatusCode()})`);
      }
    }
    read.problems = problems;
    return { ok: problems.length === 0, detail: read };
  });

  // ---- A task linked by What_Id: POST /Tasks, then GET /Tasks/{id} ------------------------
  await step("create_task_and_read", async () => {
    const tasks = new Record.RecordOperations("Tasks");
    const deal = new Record.Record();
    deal.setId(BigInt(cfg.dealId));
    const task = new Record.Record();
    task.addKeyValue("Subject", "Send the proposal");
    task.addKeyValue("What_Id", deal);
    task.addKeyValue("$se_module", "Deals");
    const body = new Record.BodyWrapper();
    body.setData([task]);
    const response = await tasks.createRecords(body);
    const read = readAction(Record, response);
    const problems = [];
    const it = read.items ? read.items[0] : null;
    if (read.kind !== "ActionWrapper" || read.items.length !== 1 || it.kind !== "SuccessResponse" || it.message !== "record added" || !it.id) {
      problems.push(`create: ${JSON.stringify(read)}`);
    }
    if (response.getStatusCode() !== 201) problems.push(`create: HTTP ${response.getStatusCode()}`);
    if (problems.length === 0) {
      const params = new ParameterMap();
      await params.add(Record.GetRecordParam.FIELDS, "Subject,What_Id,$se_module");
      const got = readRecords(Record, await tasks.getRecord(BigInt(it.id), params), ["Subject", "What_Id", "$se_module"]);
      read.read_back = got;
      problems.push(...expectOne(got, it.id, { Subject: "Send the proposal", $se_module: "Deals" }));
      const what = got.records && got.records[0] ? got.records[0].What_Id : null;
      if (!what || what.id !== cfg.dealId) problems.push(`What_Id ${JSON.stringify(what)} != ${cfg.dealId}`);
    }
    read.problems = problems;
    return { ok: problems.length === 0, detail: read };
  });

  // ---- A raw call with Authorization: Bearer <token> (OAuth 2.0's own scheme) -------------
  await step("raw_bearer_call", async () => {
    const tok = (await Initializer.getInitializer()).getToken().getAccessToken();
    const res = await raw(cfg, "GET", `/crm/v8/Contacts/${cfg.searchContactId}?fields=Last_Name,Email`, { Authorization: `Bearer ${tok}` });
    const row = res.json && Array.isArray(res.json.data) ? res.json.data[0] : null;
    const ok = res.status === 200 && row != null && row.id === cfg.searchContactId && row.Email === cfg.searchEmail;
    return { ok, detail: { http_status: res.status, row, text: res.text } };
  });

  // ---- The engine: enrol, advance the clock 2h, read the task the first follow-up made ----
  const enrolled = await step("engine_enrol", async () => {
    const body = new CadencesExecution.BodyWrapper();
    body.setCadencesIds([cfg.engineCadenceId]);
    body.setIds([cfg.engineContactId]);
    const response = await new CadencesExecution.CadencesExecutionOperations().enrollCadences("Contacts", body);
    const read = readAction(CadencesExecution, response);
    const problems = expectSuccessItems(read, [cfg.engineContactId], "records manually enrolled");
    if (response.getStatusCode() !== 200) problems.push(`HTTP ${response.getStatusCode()}`);
    read.problems = problems;
    return { ok: problems.length === 0, detail: read };
  });
  const related = new RelatedRecords.RelatedRecordsOperations("Tasks", "Contacts");
  const engineTasks = async () => {
    const params = new ParameterMap();
    await params.add(RelatedRecords.GetRelatedRecordsParam.FIELDS, "Subject,Who_Id,Status");
    return readRecords(RelatedRecords, await related.getRelatedRecords(BigInt(cfg.engineContactId), params), ["Subject", "Who_Id", "Status"]);
  };
  const advanced = await step("engine_clock_advance", async () => {
    // before the advance the follow-up (due an hour after enrolment) has made nothing
    const before = await engineTasks();
    const res = await raw(cfg, "POST", "/__zcrm/clock/advance", {}, { by: "2h" });
    // Two hours on the server's clock outlive the one-hour access token, as two real hours
    // would; the SDK decides to refresh by its own clock, so tell its token store the token has
    // expired: the next call refreshes it (POST /oauth/v2/token, grant_type=refresh_token).
    const init = await Initializer.getInitializer();
    const store = init.getStore();
    const saved = await store.findTokenById(init.getToken().getId());
    saved.setExpiresIn(String(Date.now()));
    await store.saveToken(saved);
    const ok = enrolled && before.kind === "null" && before.http_status === 204 && res.status === 200;
    return { ok, detail: { tasks_before: before, http_status: res.status, clock: res.json, text: res.text } };
  });
  await step("engine_task_created", async () => {
    const read = await engineTasks();
    const problems = [];
    if (!advanced) problems.push("the clock advance failed");
    if (read.kind !== "ResponseWrapper") problems.push(`expected ResponseWrapper, got ${read.kind}`);
    else {
      const mine = read.records.filter((r) => r.Subject === cfg.engineTaskSubject);
      if (read.records.length !== 1 || mine.length !== 1) problems.push(`expected one task ${JSON.stringify(cfg.engineTaskSubject)}, got ${JSON.stringify(read.records)}`);
      else if (!mine[0].Who_Id || mine[0].Who_Id.id !== cfg.engineContactId) problems.push(`Who_Id ${JSON.stringify(mine[0].Who_Id)}`);
    }
    if (read.http_status !== 200) problems.push(`HTTP ${read.http_status}`);
    read.problems = problems;
    return { ok: problems.length === 0, detail: read };
  });
}

main()
  .catch((e) => emit("main", false, { threw: describeError(e) }))
  .finally(() => {
    process.exitCode = failed ? 1 : 0;
    // give winston's file transport a moment to flush, then leave even if keep-alive sockets linger
    setTimeout(() => process.exit(failed ? 1 : 0), 300).unref();
  });
