#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// The official Tencent Cloud Node.js SDK (tencentcloud-sdk-nodejs-intl-en, pinned in package.json)
// used as an independent oracle against the lkedoc mock service.
//
// env: MOCK_PORT (required), NODE_EXTRA_CA_CERTS (the mock's ca.pem, set by the caller),
//      TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY (default: the mock's default credential).
// Prints one JSON line per check; exits 0 only if every check passed.
"use strict";

const https = require("https");
const path = require("path");

const port = parseInt(process.env.MOCK_PORT || "", 10);
if (!port) {
  console.error("sdk_check: MOCK_PORT is not set");
  process.exit(2);
}
const secretId = process.env.TENCENTCLOUD_SECRET_ID || "AKIDLKEDOCMOCK0000000000000000000000";
const secretKey = process.env.TENCENTCLOUD_SECRET_KEY || "lkedoc-mock-secret-key-0000000000";

const lookup = require("./loopback_lookup.js");
https.globalAgent.options.lookup = lookup;

const SDK = "tencentcloud-sdk-nodejs-intl-en";
const sdkRoot = path.dirname(require.resolve(SDK + "/package.json"));
const sdkVersion = require(SDK + "/package.json").version;
const LkeClient = require(path.join(sdkRoot, "tencentcloud/lke/v20231130")).Client;
const LkeapClient = require(path.join(sdkRoot, "tencentcloud/lkeap/v20240522")).Client;
const ClientProfile = require(path.join(sdkRoot, "tencentcloud/common/profile/client_profile"));
const Sign = require(path.join(sdkRoot, "tencentcloud/common/sign"));
const Credential = require(path.join(sdkRoot, "tencentcloud/common/credential"));

function makeClient(Client, host, region, key) {
  const profile = new ClientProfile("TC3-HMAC-SHA256");
  profile.httpProfile.endpoint = host + ":" + port;
  profile.httpProfile.reqTimeout = 15;
  return new Client(new Credential(secretId, key), region, profile);
}

function call(client, action, req) {
  return new Promise((resolve) => {
    client[action](req, (err, resp) => resolve({ err, resp }));
  });
}

let ok = true;
function out(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

async function poll(client, task, wantStatus) {
  const { err, resp } = await call(client, "GetReconstructDocumentResult", { TaskId: task });
  if (err) {
    ok = false;
    out({ task, ok: false, code: err.code || null, message: err.message });
    return;
  }
  const good = typeof resp.Status === "string" && resp.Status.length > 0 &&
    (!wantStatus || resp.Status === wantStatus);
  if (!good) ok = false;
  out({ task, ok: good, status: resp.Status, url: resp.DocumentRecognizeResultUrl || "" });
}

async function main() {
  out({ sdk: SDK, version: sdkVersion });
  const lke = makeClient(LkeClient, "lke.intl.tencentcloudapi.com", "ap-guangzhou", secretKey);
  await poll(lke, "sdk-1", "WaitExecute");
  await poll(lke, "done-sdk-2", "Success");
  await poll(lke, "fail-sdk-3", "Failed");

  const lkeap = makeClient(LkeapClient, "lkeap.intl.tencentcloudapi.com", "ap-jakarta", secretKey);
  // The international edition has no Pause, and a Failed task's answer carries no Error.
  await poll(lkeap, "pause-sdk-4", "Processing");
  await poll(lkeap, "fail-sdk-5", "Failed");

  // A wrong secret key must be refused with AuthFailure.SignatureFailure.
  const bad = makeClient(LkeClient, "lke.intl.tencentcloudapi.com", "ap-guangzhou", secretKey + "x");
  const r = await call(bad, "GetReconstructDocumentResult", { TaskId: "sdk-wrong-key" });
  const code = r.err ? r.err.code || null : null;
  const wrongOk = code === "AuthFailure.SignatureFailure";
  if (!wrongOk) ok = false;
  out({ task: "sdk-wrong-key", ok: false, code, expected: wrongOk });

  // test_sign.c's vector C through the SDK's own signing function.
  const body = Buffer.from(
    String.raw`{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}`, "ascii");
  const auth = Sign.sign3({
    method: "POST",
    url: "https://cvm.tencentcloudapi.com/",
    payload: body,
    timestamp: 1551113065,
    service: "cvm",
    secretId: "AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******",
    secretKey: "Gu5t9xGARNpq86cd98joQYCN3*******",
    headers: { "Content-Type": "application/json; charset=utf-8" },
  });
  const m = /Signature=([0-9a-f]{64})$/.exec(auth);
  const sig = m ? m[1] : null;
  const want = "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c";
  if (body.length !== 86 || sig !== want) ok = false;
  out({ vector_c: sig, matches: sig === want, body_len: body.length });

  process.exit(ok ? 0 : 1);
}

main().catch((e) => {
  console.error("sdk_check:", e && e.stack ? e.stack : e);
  process.exit(1);
});
