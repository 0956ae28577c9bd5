"""Reading one notebook's entry of build/records.json, shared by the reference checkers of notebooks 13-15.

Each checker takes the records file as its first argument (default: build/records.json of this checkout)
and stops through its own `fail` when the notebook has no entry.
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def notebook_records(notebook, fail):
    """The records of `notebook` from the file named on the command line, or `fail(message)`."""
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "records.json")
    with open(path) as fh:
        records = json.load(fh)
    if notebook not in records:
        fail(f"{path} has no entry for {notebook} (run the notebook first)")
    return records[notebook]
