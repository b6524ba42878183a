"""Execute a notebook with nbclient (the Jupyter client nbconvert uses) and report the first failing cell.

Usage: python3 execute-notebook.py SRC OUT KERNEL TIMEOUT_S
Prints one JSON line: {"ok": bool, "cell": index|null, "ename": str, "evalue": str, "stderr": str}.
The executed notebook (up to and including the failing cell) is written to OUT either way.
"""
import json
import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def main():
    src, out, kernel, timeout = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    nb = nbformat.read(src, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel, resources={"metadata": {"path": os.path.dirname(os.path.abspath(src))}})
    failed = {}

    def on_error(cell, cell_index, execute_reply):
        if "cell" not in failed:
            failed["cell"] = cell_index
            failed["reply"] = execute_reply.get("content", {})

    client.on_cell_error = on_error
    status = {"ok": True, "cell": None, "ename": "", "evalue": "", "stderr": ""}
    try:
        client.execute()
    except CellExecutionError as e:
        idx = failed.get("cell")
        reply = failed.get("reply", {})
        stderr = ""
        if idx is not None:
            stderr = "".join(o.get("text", "") for o in nb.cells[idx].get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stderr")
        tb = "\n".join(reply.get("traceback", []) or [])
        status = {"ok": False, "cell": idx, "ename": reply.get("ename", "CellExecutionError"), "evalue": reply.get("evalue", "") or tb or str(e)[-2000:], "stderr": stderr}
    nbformat.write(nb, out)
    print(json.dumps(status))


if __name__ == "__main__":
    main()
