// stayup's preload for Node.js programs (node --require): notes what the engine protocol does not
// carry, as the Python capture learns it by wrapping the Python SDK (preview/capture.py):
//   - each resource's declared outputs (generated classes mark them `undefined /*out*/`), which
//     after a deploy are computed or unknown, never absent;
//   - the program line of each invoke (the Node SDK sends no position with an invoke);
//   - the program's `apply` callbacks that never ran, with where they were written (the SDK skips
//     those on unknown values, and only they can hide resource declarations).
// Notes are JSON lines appended synchronously to $STAYUP_NODE_NOTES before the SDK sends the
// request they belong to. Two steps only change when things happen, never what: the SDK's first
// call to stayup waits until stayup serves (it starts node first), and npm's arborist is loaded
// at its first use. Nothing else changes what the program or the SDK does; a step that does not
// fit this SDK version is left out, and stayup then knows less (never more).
"use strict";
const fs = require("fs");
const path = require("path");

const notes = process.env.STAYUP_NODE_NOTES;
const sdk = process.env.STAYUP_NODE_SDK; // the @pulumi/pulumi directory `cmd/run` was started from
const project = process.env.STAYUP_NODE_PROJECT;

function note(value) {
    try {
        fs.appendFileSync(notes, JSON.stringify(value) + "\n");
    } catch (e) {
        // a note that cannot be written only makes stayup know less
    }
}

// The innermost frame of the program's own files (source-mapped to .ts by the SDK's source-map support).
function programFrame() {
    const stack = new Error().stack || "";
    for (const line of stack.split("\n").slice(1)) {
        const match = /\(?((?:file:\/\/)?\/[^():]+):(\d+):\d+\)?$/.exec(line.trim());
        if (!match) continue;
        const file = match[1].startsWith("file://") ? new URL(match[1]).pathname : match[1];
        const rel = path.relative(project, file);
        if (rel.startsWith("..") || path.isAbsolute(rel) || rel.split(path.sep).includes("node_modules")) continue;
        return { file: rel.split(path.sep).join("/"), line: Number(match[2]) };
    }
    return null;
}

// The file of the function that called our caller, unmapped (the SDK's frames map to .ts paths
// outside its directory).
function callerFile() {
    const saved = Error.prepareStackTrace;
    try {
        Error.prepareStackTrace = (_, sites) => sites;
        const sites = new Error().stack;
        return (Array.isArray(sites) && sites[2] && sites[2].getFileName()) || "";
    } catch (e) {
        return "";
    } finally {
        Error.prepareStackTrace = saved;
    }
}

const OUT = /resourceInputs\["([^"]+)"\]\s*=\s*undefined\s*\/\*out\*\//g;
const declared = new Map(); // class -> its declared outputs

function outputsOf(res) {
    const cls = res && res.constructor;
    if (typeof cls !== "function") return [];
    if (!declared.has(cls)) {
        let found = [];
        try {
            found = Array.from(Function.prototype.toString.call(cls).matchAll(OUT), (m) => m[1]);
        } catch (e) {
            found = [];
        }
        declared.set(cls, found);
    }
    return declared.get(cls);
}

// stayup starts the program while it loads the protocol: the SDK's first call to the monitor or
// the engine waits until stayup serves them (a file appears), as a language host's program
// never starts before the engine listens.
const ready = process.env.STAYUP_NODE_READY;
function awaitEngine() {
    const pause = new Int32Array(new SharedArrayBuffer(4));
    while (ready && !fs.existsSync(ready)) {
        Atomics.wait(pause, 0, 0, 5);
    }
}

// The SDK loads npm's @npmcli/arborist at start (a sixth of its loading time) for one use: finding
// the packages a serialized function needs (aws.lambda.CallbackFunction). It is loaded at that
// first use instead; until then the SDK holds a stand-in that forwards everything to it.
function lazyArborist() {
    const Module = require("module");
    const load = Module._load;
    Module._load = function (request, parent, isMain) {
        if (request !== "@npmcli/arborist" || !parent || !/[\\/]runtime[\\/]closure[\\/]codePaths\.js$/.test(parent.filename || "")) {
            return load.apply(this, arguments);
        }
        let real;
        const target = () => (real = real || load.call(Module, request, parent, isMain));
        return new Proxy({}, {
            get: (_, key) => (key === "__esModule" ? true : target()[key]),
            has: (_, key) => key in target(),
            ownKeys: () => Reflect.ownKeys(target()),
            getOwnPropertyDescriptor: (_, key) => {
                const found = Object.getOwnPropertyDescriptor(target(), key);
                return found && { ...found, configurable: true };
            },
        });
    };
}

if (notes && sdk && project) {
    note({ node: process.versions.node });
    lazyArborist();
    try {
        const settings = require(path.join(sdk, "runtime", "settings.js"));
        for (const key of ["getMonitor", "getEngine"]) {
            const original = settings[key];
            if (typeof original !== "function") continue;
            settings[key] = function (...args) {
                awaitEngine();
                settings[key] = original;
                return original.apply(this, args);
            };
        }
    } catch (e) {
        awaitEngine(); // an SDK laid out otherwise: wait now
    }
    try {
        const resource = require(path.join(sdk, "runtime", "resource.js"));
        const register = resource.registerResource;
        resource.registerResource = function (res, parent, t, name, ...rest) {
            note({ declared: [t, name, outputsOf(res)] });
            return register.call(this, res, parent, t, name, ...rest);
        };
    } catch (e) {
        // an SDK laid out otherwise: no declared outputs
    }
    try {
        const invoke = require(path.join(sdk, "runtime", "invoke.js"));
        for (const key of ["invoke", "invokeOutput", "invokeSingle", "invokeSingleOutput"]) {
            const original = invoke[key];
            if (typeof original !== "function") continue;
            invoke[key] = function (tok, ...rest) {
                note({ invoke: [tok, programFrame()] });
                return original.call(this, tok, ...rest);
            };
        }
    } catch (e) {
        // no invoke positions
    }
    try {
        const output = require(path.join(sdk, "output.js"));
        const proto = output.Output && output.Output.prototype;
        const apply = proto && proto.apply;
        if (typeof apply === "function") {
            // The SDK's own lifting and formatting, and provider SDKs' result shaping (all under
            // the @pulumi scope), declare nothing: they are not the program's callbacks.
            const scope = path.dirname(path.resolve(sdk)) + path.sep;
            const pending = new Map(); // token -> where the program wrote the callback
            let tokens = 0;
            proto.apply = function (func, ...rest) {
                if (typeof func !== "function" || callerFile().startsWith(scope)) {
                    return apply.call(this, func, ...rest);
                }
                const token = tokens++;
                pending.set(token, programFrame());
                const wrapped = function (...args) {
                    pending.delete(token);
                    return func.apply(this, args);
                };
                return apply.call(this, wrapped, ...rest);
            };
            process.on("exit", () => note({ pending: Array.from(pending.values(), (source) => ({ source })) }));
        }
    } catch (e) {
        // no count of skipped callbacks: a preview is then run a second time in update mode
    }
}
