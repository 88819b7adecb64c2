#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// The peer of the bench: the official Tencent Cloud Node.js SDK (tencentcloud-sdk-nodejs-intl-en,
// pinned by tests/sdk/package-lock.json; TC3-HMAC-SHA256 signing) doing what lkedoc does, against
// the same mock.  Run by tests/bench/bench.py.
//
//   node bench_sdk.js job FILE OUT POLL_MS        create (FileBase64), poll until Success (first
//                                                 pause POLL_MS, growing 1.5x like lkedoc's wait),
//                                                 download the archive with Node's https into OUT
//   node bench_sdk.js polls TASK WARMUP CALLS MODE GetReconstructDocumentResult of one task:
//                                                 WARMUP untimed calls, then CALLS calls each with
//                                                 its process CPU time (process.cpuUsage: user +
//                                                 system) and wall time
//       MODE "shipped":   the SDK as installed: it passes no agent, so node-fetch uses Node's
//                         https.globalAgent with this Node's defaults
//       MODE "keepalive": https.globalAgent replaced by new https.Agent({ keepAlive: true })
//       MODE "nokeepalive": https.globalAgent replaced by new https.Agent() with keepAlive off, the
//                         default agent of Node 18 and earlier (Debian 12's nodejs is 18.x)
//
// env: MOCK_PORT (API port), NODE_EXTRA_CA_CERTS (the mock's ca.pem), TENCENTCLOUD_SECRET_ID/_KEY.
// Prints one JSON object on stdout.
"use strict";

const fs = require("fs");
const https = require("https");
const path = require("path");

const SDK_DIR = path.join(__dirname, "..", "sdk", "node_modules", "tencentcloud-sdk-nodejs-intl-en");
const API_HOST = "lke.intl.tencentcloudapi.com";

const port = parseInt(process.env.MOCK_PORT || "", 10);
if (!port) {
  console.error("bench_sdk: MOCK_PORT is not set");
  process.exit(2);
}
const secretId = process.env.TENCENTCLOUD_SECRET_ID || "AKIDLKEDOCMOCK0000000000000000000000";
const secretKey = process.env.TENCENTCLOUD_SECRET_KEY || "lkedoc-mock-secret-key-0000000000";

const lookup = require(path.join(__dirname, "..", "sdk", "loopback_lookup.js"));

const LkeClient = require(path.join(SDK_DIR, "tencentcloud/lke/v20231130")).Client;
const ClientProfile = require(path.join(SDK_DIR, "tencentcloud/common/profile/client_profile"));
const Credential = require(path.join(SDK_DIR, "tencentcloud/common/credential"));
const sdkVersion = require(path.join(SDK_DIR, "package.json")).version;

function makeClient() {
  const profile = new ClientProfile("TC3-HMAC-SHA256");
  profile.httpProfile.endpoint = API_HOST + ":" + port;
  profile.httpProfile.reqTimeout = 30;
  return new LkeClient(new Credential(secretId, secretKey), "ap-guangzhou", profile);
}

function call(client, action, req) {
  return new Promise((resolve, reject) => {
    client[action](req, (err, resp) => (err ? reject(err) : resolve(resp)));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function download(url, out) {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { lookup }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error("download: HTTP " + res.statusCode));
        return;
      }
      const want = parseInt(res.headers["content-length"] || "-1", 10);
      let got = 0;
      const file = fs.createWriteStream(out);
      res.on("data", (chunk) => {
        got += chunk.length;
      });
      res.pipe(file);
      file.on("finish", () => (want < 0 || got === want ? resolve(got) : reject(new Error("short download"))));
      file.on("error", reject);
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

async function job(file, out, pollMs) {
  const client = makeClient();
  const data = fs.readFileSync(file);
  const created = await call(client, "CreateReconstructDocumentFlow", {
    FileType: "PDF",
    FileBase64: data.toString("base64"),
    Config: { TableResultType: "0", ResultType: "0" },
  });
  const task = created.TaskId;
  let pause = pollMs;
  let polls = 0;
  let r;
  for (;;) {
    r = await call(client, "GetReconstructDocumentResult", { TaskId: task });
    polls++;
    if (r.Status === "Success") break;
    if (r.Status !== "WaitExecute" && r.Status !== "Processing") throw new Error("task " + r.Status);
    await sleep(pause);
    pause = Math.min(pause * 1.5, 10000);
  }
  const bytes = await download(r.DocumentRecognizeResultUrl, out);
  return { task, polls, bytes };
}

async function polls(task, warmup, calls, mode) {
  if (mode === "keepalive") {
    https.globalAgent = new https.Agent({ keepAlive: true });
  } else if (mode === "nokeepalive") {
    https.globalAgent = new https.Agent({ keepAlive: false });
  } else if (mode !== "shipped") {
    throw new Error("mode must be shipped, keepalive or nokeepalive");
  }
  const client = makeClient();
  for (let i = 0; i < warmup; i++) {
    await call(client, "GetReconstructDocumentResult", { TaskId: task });
  }
  const cpuNs = [];
  const wallNs = [];
  let status = null;
  for (let i = 0; i < calls; i++) {
    const c0 = process.cpuUsage();
    const w0 = process.hrtime.bigint();
    const r = await call(client, "GetReconstructDocumentResult", { TaskId: task });
    const w = process.hrtime.bigint() - w0;
    const c = process.cpuUsage(c0);
    cpuNs.push((c.user + c.system) * 1000);
    wallNs.push(Number(w));
    status = r.Status;
  }
  return {
    calls,
    status,
    mode,
    global_agent_keep_alive: Boolean(https.globalAgent.keepAlive),
    cpu_ns: cpuNs,
    wall_ns: wallNs,
  };
}

async function main() {
  const [cmd, ...args] = process.argv.slice(2);
  let result;
  if (cmd === "job" && args.length === 3) {
    result = await job(args[0], args[1], parseInt(args[2], 10));
  } else if (cmd === "polls" && args.length === 4) {
    result = await polls(args[0], parseInt(args[1], 10), parseInt(args[2], 10), args[3]);
  } else {
    console.error("usage: bench_sdk.js job FILE OUT POLL_MS | polls TASK WARMUP CALLS shipped|keepalive|nokeepalive");
    process.exit(2);
  }
  result.sdk_version = sdkVersion;
  result.node = process.version;
  process.stdout.write(JSON.stringify(result) + "\n");
  // Do not wait for kept-alive sockets to time out.
  process.exit(0);
}

main().catch((e) => {
  console.error("bench_sdk:", e && e.stack ? e.stack : e);
  process.exit(1);
});
