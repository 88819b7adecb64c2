// SPDX-License-Identifier: MIT
// Resolve the service's and the mock storage's host names to loopback in this process only, so
// that the official SDK connects to the mock while it signs, sends SNI and Host, and verifies the
// certificate for the real names (what lkedoc's --resolve does).  Used by sdk_check.js and the
// benchmark's SDK driver.  Installs itself into dns.lookup and returns the lookup function.
"use strict";

const dns = require("dns");

function toLoopback(hostname) {
  const h = String(hostname).toLowerCase();
  return h.endsWith(".tencentcloudapi.com") || h === "mock.lkedoc.test";
}

const systemLookup = dns.lookup;

function lookup(hostname, options, cb) {
  if (typeof options === "function") {
    cb = options;
    options = {};
  }
  if (typeof options === "number") options = { family: options };
  options = options || {};
  if (!toLoopback(hostname)) return systemLookup(hostname, options, cb);
  if (options.all) return process.nextTick(cb, null, [{ address: "127.0.0.1", family: 4 }]);
  return process.nextTick(cb, null, "127.0.0.1", 4);
}

dns.lookup = lookup;
module.exports = lookup;
