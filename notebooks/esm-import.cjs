// Dynamic import from a plain CommonJS file. tslab compiles a cell's own `import()` to `require()`,
// which cannot load the project's ES modules; this keeps a real `import()`, resolved by Node's ESM
// loader with the tsx hooks that scripts/run-notebooks.sh installs (NODE_OPTIONS=--import tsx/esm).
module.exports = (url) => import(url);
