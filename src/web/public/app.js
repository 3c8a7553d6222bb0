// Loads the script of the page the server rendered.
const page = document.querySelector('main[data-page]')?.dataset.page;
if (page) import(`./${page}.js`).then((m) => m.start());
