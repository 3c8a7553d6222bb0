// Loads the script of the page the server rendered; marks the page ready once it is wired up.
const page = document.querySelector('main[data-page]')?.dataset.page;
if (page) {
  import(`./${page}.js`).then((m) => m.start()).finally(() => (document.documentElement.dataset.ready = 'true'));
}
