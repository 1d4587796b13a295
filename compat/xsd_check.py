"""Validates XML API answers against the vendor's 2011 schema with a real validator (xmlschema).

kaigi's later additions (elements the 40.x release notes added after 2011) are listed once, in
`crates/kaigi-xmlapi/src/schema_additions.rs`; a Rust test writes them to
`compat/xsd_additions.json`. Those elements, and nothing else, are taken out of an answer before
it is validated. Used by test_xml_schema.py and runnable by hand:

    compat/.venv/bin/python compat/xsd_check.py ANSWER.xml [...]
"""

import glob
import json
import os
import re
import sys
import tempfile
import xml.etree.ElementTree as ET

import xmlschema

HERE = os.path.dirname(os.path.abspath(__file__))
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SERV = "http://www.webex.com/schemas/2002/06/service"


def xsd_dir():
    default = os.path.join(HERE, "..", "..", "shared", "spec", "vendor", "xsd-2011")
    return os.path.abspath(os.environ.get("KAIGI_XSD_DIR", default))


def load_schema(root=None):
    """All service schemas of the 2011 bundle, in one set of global maps."""
    root = root or xsd_dir()
    files = sorted(glob.glob(os.path.join(root, "service", "*", "*.xsd")))
    files.append(os.path.join(root, "service", "service.xsd"))
    imports = []
    for f in files:
        with open(f, encoding="utf-8", errors="replace") as fh:
            ns = re.search(r'targetNamespace="([^"]+)"', fh.read()).group(1)
        imports.append(f'<xsd:import namespace="{ns}" schemaLocation="file://{os.path.abspath(f)}"/>')
    wrapper = (
        '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:kaigi:xsd-check">'
        + "".join(imports)
        + "</xsd:schema>"
    )
    with tempfile.NamedTemporaryFile("w", suffix=".xsd", delete=False) as fh:
        fh.write(wrapper)
        path = fh.name
    try:
        return xmlschema.XMLSchema(path)
    finally:
        os.unlink(path)


def load_additions():
    with open(os.path.join(HERE, "xsd_additions.json"), encoding="utf-8") as fh:
        return json.load(fh)


def _qname(tag, prefixes):
    """`{uri}local` → `prefix:local` with the document's own prefixes."""
    uri, local = tag[1:].split("}", 1)
    return f"{prefixes.get(uri, uri)}:{local}"


def _prefixes(text):
    return {uri: prefix for prefix, uri in re.findall(r'xmlns:([A-Za-z0-9_]+)="([^"]+)"', text)}


def strip_additions(body, response_type, additions, prefixes):
    """Removes the allow-listed elements below one bodyContent; True when the whole answer is one.

    A path is the element's path below bodyContent (`meet:accessControl/meet:audioPassword`);
    `**/name` matches an element of that local name at any depth."""
    paths = {a["path"] for a in additions if a["response"] in (response_type, "*") and "value" not in a}
    if "*" in paths:
        return True
    anywhere = {p[3:] for p in paths if p.startswith("**/")}

    def walk(el, path):
        for child in list(el):
            name = _qname(child.tag, prefixes)
            here = f"{path}/{name}" if path else name
            if here in paths or name.split(":", 1)[-1] in anywhere:
                el.remove(child)
            else:
                walk(child, here)

    walk(body, "")
    return False


def correct_values(doc, additions, prefixes):
    """Puts back the 2011 spelling of values the service corrected later (listed with `value`)."""
    fixes = {(a["path"], a["value"]): a["xsd_value"] for a in additions if "value" in a}
    names = {path for path, _ in fixes}
    for el in doc.iter():
        if not isinstance(el.tag, str) or "}" not in el.tag:
            continue
        local = el.tag.split("}", 1)[1]
        if local in names and (local, (el.text or "").strip()) in fixes:
            el.text = fixes[(local, el.text.strip())]


def check(text, schema, additions):
    """Returns (response types, errors) for one answer document."""
    prefixes = _prefixes(text)
    namespaces = {prefix: uri for uri, prefix in prefixes.items()}
    doc = ET.fromstring(text.encode("utf-8"))
    correct_values(doc, additions, prefixes)
    types, errors = [], []
    for body in doc.iter(f"{{{SERV}}}bodyContent"):
        xsi_type = body.get(f"{{{XSI}}}type")
        if xsi_type is None:
            continue
        types.append(xsi_type)
        whole = strip_additions(body, xsi_type, additions, prefixes)
        prefix, _, local = xsi_type.partition(":")
        known = f"{{{namespaces.get(prefix, prefix)}}}{local}" in schema.maps.types
        if not whole and not known:
            errors.append(f"{xsi_type}: the 2011 schema has no such answer type and it is not a listed addition")
        if whole or not known:
            # Validated as the plain bodyContent it then is: the envelope around it still counts.
            body.clear()
    # ElementTree forgets prefixes; xsi:type values name types by the document's own prefixes.
    errors += [f"{e.path}: {e.reason}" for e in schema.iter_errors(doc, namespaces=namespaces)]
    return types, errors


def main(paths):
    schema, additions = load_schema(), load_additions()
    bad = 0
    for p in paths:
        with open(p, encoding="utf-8") as fh:
            types, errors = check(fh.read(), schema, additions)
        for e in errors[:3]:
            bad += 1
            print(f"{p} {types}: {e}\n")
    print(f"{len(paths)} answers, {bad} with errors")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
