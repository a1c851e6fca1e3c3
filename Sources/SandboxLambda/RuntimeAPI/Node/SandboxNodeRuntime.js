// The Lambda Runtime API client the sandbox runs Node.js functions with (runtime nodejs18.x, nodejs20.x,
// nodejs22.x), as AWS's Node runtime does: it loads the handler named by _HANDLER ("file.export", the file relative
// to LAMBDA_TASK_ROOT, .js, .mjs or .cjs), then polls for invocations and answers each one. Handlers may be async
// (return a promise) or take a callback; the context carries awsRequestId, functionName, functionVersion,
// invokedFunctionArn, memoryLimitInMB, logGroupName, logStreamName, getRemainingTimeInMillis() and
// callbackWaitsForEmptyEventLoop. console output is written as the runtime writes it: time, request id, level.
'use strict';

const http = require('http');
const path = require('path');
const fs = require('fs');
const { pathToFileURL } = require('url');

const [apiHost, apiPort] = (process.env.AWS_LAMBDA_RUNTIME_API || '').split(':');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const base = '/2018-06-01/runtime';
let currentRequestId;

function request(method, route, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(body);
    const req = http.request({ host: apiHost, port: apiPort, method, path: base + route, agent,
      headers: Object.assign({ 'Content-Type': 'application/json' }, data ? { 'Content-Length': data.length } : {}, headers) }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

// console.* as the Node runtime writes it: "<ISO time>\t<request id>\t<LEVEL>\t<message>".
for (const [name, level] of [['log', 'INFO'], ['info', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR'], ['debug', 'DEBUG'], ['trace', 'TRACE']]) {
  const util = require('util');
  console[name] = (...args) => {
    const text = util.format(...args).replace(/\n/g, '\r');
    process.stdout.write(`${new Date().toISOString()}\t${currentRequestId || 'undefined'}\t${level}\t${text}\n`);
  };
}

function errorBody(error, type) {
  const isError = error instanceof Error;
  return {
    errorType: type || (isError ? error.name : typeof error === 'string' ? 'string' : 'Error'),
    errorMessage: isError ? error.message : typeof error === 'string' ? error : JSON.stringify(error),
    trace: isError && error.stack ? error.stack.split('\n') : [],
  };
}

async function initError(error, type) {
  const body = errorBody(error, type);
  console.error(JSON.stringify(body));
  await request('POST', '/init/error', JSON.stringify(body), { 'Lambda-Runtime-Function-Error-Type': body.errorType });
  process.exit(1);
}

// "dir/file.export" → the module "dir/file" under the task root and the export "export" (dots after the file's
// first one walk into nested objects, as AWS's runtime allows).
async function loadHandler() {
  const handlerName = process.env._HANDLER || '';
  const root = process.env.LAMBDA_TASK_ROOT || process.cwd();
  const slash = handlerName.lastIndexOf('/');
  const dot = handlerName.indexOf('.', slash + 1);
  if (dot < 0) return initError(new Error(`Bad handler ${handlerName}: write it as file.export (for example index.handler)`), 'Runtime.MalformedHandlerName');
  const modulePath = path.resolve(root, handlerName.slice(0, dot));
  const exportPath = handlerName.slice(dot + 1).split('.');
  const file = ['.js', '.mjs', '.cjs'].map((ext) => modulePath + ext).find((candidate) => fs.existsSync(candidate));
  if (!file) {
    return initError(new Error(`Cannot find module '${path.relative(root, modulePath)}' (looked for .js, .mjs and .cjs under ${root})`), 'Runtime.ImportModuleError');
  }
  let loaded;
  try {
    try {
      loaded = file.endsWith('.mjs') ? await import(pathToFileURL(file).href) : require(file);
    } catch (error) {
      if (error && error.code === 'ERR_REQUIRE_ESM') loaded = await import(pathToFileURL(file).href);
      else throw error;
    }
  } catch (error) {
    return initError(new Error(`${error && error.name || 'Error'}: ${error && error.message || error}`), 'Runtime.ImportModuleError');
  }
  let handler = loaded;
  for (const key of exportPath) handler = handler == null ? undefined : handler[key];
  if (typeof handler !== 'function') {
    return initError(new Error(`${handlerName} is undefined or not exported`), 'Runtime.HandlerNotFound');
  }
  return handler;
}

function makeContext(headers) {
  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  return {
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

// Runs one invocation: the handler's promise, or its callback (or context.succeed/fail/done), whichever comes first.
function invoke(handler, event, context) {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (error, result) => {
      if (settled) return;
      settled = true;
      resolve({ error, result });
    };
    const callback = (error, result) => finish(error === null || error === undefined ? undefined : error, result);
    Object.assign(context, { done: callback, succeed: (result) => callback(null, result), fail: (error) => callback(error || new Error('handled')) });
    try {
      const returned = handler(event, context, callback);
      if (returned && typeof returned.then === 'function') returned.then((result) => finish(undefined, result), (error) => finish(error || new Error('rejected')));
      else if (handler.length < 3) finish(undefined, returned);
    } catch (error) {
      finish(error);
    }
  });
}

async function main() {
  const handler = await loadHandler();
  for (;;) {
    const next = await request('GET', '/invocation/next');
    if (next.status !== 200) throw new Error(`the Runtime API answered ${next.status} to invocation/next`);
    const context = makeContext(next.headers);
    currentRequestId = context.awsRequestId;
    if (next.headers['lambda-runtime-trace-id']) process.env._X_AMZN_TRACE_ID = next.headers['lambda-runtime-trace-id'];
    let event;
    try {
      event = JSON.parse(next.body);
    } catch (error) {
      event = next.body;
    }
    const { error, result } = await invoke(handler, event, context);
    const id = encodeURIComponent(context.awsRequestId);
    if (error !== undefined) {
      const body = errorBody(error);
      console.error(`Invoke Error \t${JSON.stringify(body)}`);
      await request('POST', `/invocation/${id}/error`, JSON.stringify(body), { 'Lambda-Runtime-Function-Error-Type': body.errorType });
    } else {
      let payload;
      try {
        payload = JSON.stringify(result === undefined ? null : result);
      } catch (serializeError) {
        const body = errorBody(serializeError, 'Runtime.SerializationError');
        await request('POST', `/invocation/${id}/error`, JSON.stringify(body), { 'Lambda-Runtime-Function-Error-Type': body.errorType });
        continue;
      }
      await request('POST', `/invocation/${id}/response`, payload);
    }
    currentRequestId = undefined;
  }
}

main().catch((error) => {
  process.stderr.write(`the sandbox's Node.js runtime stopped: ${error && error.stack || error}\n`);
  process.exit(1);
});
