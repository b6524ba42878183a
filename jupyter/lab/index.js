// phylab's JupyterLab 3.6 front end (see package.json and bin/build-jupyterlab.cjs). The same
// shape as JupyterLab's own examples/app at v3.6.8: a JupyterLab application with the listed
// plugin packages and no others; no plotly extension (figures use phylab's HTML output there).
import { JupyterLab } from '@jupyterlab/application';
import { PageConfig } from '@jupyterlab/coreutils';
// eslint-disable-next-line no-undef
__webpack_public_path__ = PageConfig.getOption('fullStaticUrl') + '/';

const styles = import('./build/style.js');

// Keep in step with "jupyterlab.extensions" in package.json (Build.ensureAssets copies their schemas).
const extensions = [
  import('@jupyterlab/application-extension'),
  import('@jupyterlab/apputils-extension'),
  import('@jupyterlab/codemirror-extension'),
  import('@jupyterlab/completer-extension'),
  import('@jupyterlab/docmanager-extension'),
  import('@jupyterlab/filebrowser-extension'),
  import('@jupyterlab/mainmenu-extension'),
  import('@jupyterlab/mathjax2-extension'),
  import('@jupyterlab/notebook-extension'),
  import('@jupyterlab/rendermime-extension'),
  import('@jupyterlab/shortcuts-extension'),
  import('@jupyterlab/theme-light-extension'),
  import('@jupyterlab/translation-extension'),
  import('@jupyterlab/ui-components-extension'),
];

const mimeExtensions = [import('@jupyterlab/json-extension')];

window.addEventListener('load', async function () {
  await styles;
  const lab = new JupyterLab({ mimeExtensions: await Promise.all(mimeExtensions) });
  lab.registerPluginModules(await Promise.all(extensions));
  await lab.start();
  await lab.restored;
  window.phylabLab = lab; // for the browser tests: commands, shell
  document.body.setAttribute('data-phylab-lab', 'ready');
});
