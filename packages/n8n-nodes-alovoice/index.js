// n8n loads the nodes and credentials listed under "n8n" in package.json;
// this entry point only exists so that `require('n8n-nodes-alovoice')` resolves.
module.exports = {};
