// iomdash's partial plotly.js bundle: the trace types the dashboards draw.
var Plotly = require('plotly.js/lib/core');
Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/pie'),
    require('plotly.js/lib/choropleth'),
]);
module.exports = Plotly;
