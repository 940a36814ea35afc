// Starts Swagger UI on /api/v1/openapi.json. A file of its own rather than an inline script, so that
// the page's Content-Security-Policy allows scripts from this server only.
window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/api/v1/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'BaseLayout',
    // No online validator: it would send the document's URL to swagger.io.
    validatorUrl: null,
    // The key stays in the page's memory, never in the browser's storage.
    persistAuthorization: false
  });
});
