"""phylab's JupyterLab 3.6 front end, served by jupyter_server 1.x + jupyterlab_server 2.x (Debian 12:
python3-jupyter-server, python3-jupyterlab-server). The front end is built from npm by
bin/build-jupyterlab.cjs; pass its folder with --build=DIR (default: $PHYLAB_LAB_BUILD).

Usage (from the repository root; `npx phylab lab` does this):
  JUPYTER_PATH=$PWD/jupyter /usr/bin/python3 jupyter/lab/app.py --build=DIR \
      --ServerApp.root_dir=$PWD --ServerApp.port=8888 [--ServerApp.token=...]
"""
import json
import os
import sys

from jupyterlab_server import LabServerApp

HERE = os.path.dirname(os.path.abspath(__file__))


def _take_build_arg():
    for i, a in enumerate(list(sys.argv)):
        if a.startswith("--build="):
            del sys.argv[i]
            return a.split("=", 1)[1]
    return os.environ.get("PHYLAB_LAB_BUILD", "")


BUILD = os.path.abspath(_take_build_arg() or os.path.join(HERE, "build"))
if not os.path.exists(os.path.join(BUILD, "bundle.js")):
    sys.exit(f"phylab lab: no JupyterLab build in {BUILD} (bundle.js missing). Run `node bin/build-jupyterlab.cjs` first.")

# Only this app's settings: no user-wide Jupyter config files change what the tests see.
os.environ.setdefault("JUPYTER_NO_CONFIG", "1")

with open(os.path.join(HERE, "package.json")) as fid:
    VERSION = json.load(fid)["version"]


class PhylabLab(LabServerApp):
    extension_url = "/lab"
    default_url = "/lab"
    name = __name__
    load_other_extensions = False
    app_name = "JupyterLab (phylab)"
    app_version = VERSION
    app_settings_dir = os.path.join(BUILD, "application_settings")
    schemas_dir = os.path.join(BUILD, "schemas")
    static_dir = BUILD
    templates_dir = os.path.join(HERE, "templates")
    themes_dir = os.path.join(BUILD, "themes")
    user_settings_dir = os.path.join(BUILD, "user_settings")
    workspaces_dir = os.path.join(BUILD, "workspaces")

    def initialize_settings(self):
        super().initialize_settings()
        self.serverapp.web_app.settings["terminals_available"] = False


def _jupyter_server_extension_points():
    return [{"module": __name__, "app": PhylabLab}]


if __name__ == "__main__":
    PhylabLab.launch_instance()
