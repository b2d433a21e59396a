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
    };
    if (cfg.contactIds.length < 3) throw new Error("ZCRM_CONTACT_IDS needs at least 3 ids");
    for (const [k, v] of [
      ["ZCRM_CADENCE_ID", cfg.cadenceId],
      ["ZCRM_CAMPAIGN_ID", cfg.campaignId],
      ["ZCRM_DEAL_ID", cfg.dealId],
      ...cfg.contactIds.map((c) => ["ZCRM_CONTACT_IDS", c]),
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
      .resourcePath(cfg.workdir)
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

  // ---- the SDK must still be talking to ZCRM_URL (it switches to a real Zoho host when the
  // token answer's api_domain is a known Zoho domain).
  await step("environment_unchanged", async () => {
    const init = await Initializer.getInitializer();
    const url = init.getEnvironment().getUrl();
    return { ok: url === cfg.url, detail: { environment_url: url, expected: cfg.url } };
  });
}

main()
  .catch((e) => emit("main", false, { threw: describeError(e) }))
  .finally(() => {
    process.exitCode = failed ? 1 : 0;
    // give winston's file transport a moment to flush, then leave even if keep-alive sockets linger
    setTimeout(() => process.exit(failed ? 1 : 0), 300).unref();
  });
