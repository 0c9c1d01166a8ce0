"""Every answer the integration suites receive is checked against the OpenAPI document
(src/api/docs/openapi.json): the operation by method and path template, the response by status
(or `default`), the content type among those declared, and a JSON body against its schema with
JSON Schema Draft 2020-12 (python3-jsonschema).

Objects are closed while validating: every object schema that does not say otherwise gets
`additionalProperties: false` here, in a transformed copy of the document (the document itself
stays open to additions, so that a client generated from it does not break on a new field).

A mismatch raises ContractError (an AssertionError) in the test that made the request, naming the
operation, the status and the JSON path. Paths the document does not describe (a 404 of an unknown
path, a 405) are checked against the generic problem schema.

ESTIMATE_CONTRACT_RECORD=FILE appends one JSON line per answer (for finding what the server sends);
ESTIMATE_CONTRACT_CHECK=0 turns the checks off. Each check appends "operation status" to
ESTIMATE_CONTRACT_COUNT=FILE when set, for counting what a run validated.
"""
import copy
import json
import os
import re
import threading
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOCUMENT = os.path.join(ROOT, "src", "api", "docs", "openapi.json")

try:
    import jsonschema
except ImportError:  # the Debian package python3-jsonschema (scripts/deps.sh)
    import sys
    for extra in ("/usr/lib/python3/dist-packages",):
        if extra not in sys.path and os.path.isdir(extra):
            sys.path.append(extra)
    import jsonschema


class ContractError(AssertionError):
    pass


_lock = threading.Lock()
_state = {}


def _closed(node):
    """A copy of a schema in which every object schema without additionalProperties (and
    without composition keywords of its own) forbids properties it does not name."""
    if isinstance(node, list):
        return [_closed(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: _closed(v) for k, v in node.items()}
    if (("properties" in node or node.get("type") == "object")
            and "additionalProperties" not in node and "patternProperties" not in node
            and "unevaluatedProperties" not in node
            and not any(k in node for k in ("allOf", "anyOf", "oneOf", "$ref"))):
        out["additionalProperties"] = False
    return out


def _load():
    with _lock:
        if _state:
            return _state
        with open(DOCUMENT, encoding="utf-8") as f:
            doc = json.load(f)
        components = _closed(doc.get("components", {}))
        routes = []
        for template, ops in doc["paths"].items():
            pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
            for method, op in ops.items():
                routes.append((method.upper(), re.compile(pattern), template, op))
        # More literal segments first: /estimates/{id}/diff before /estimates/{id}/{x}.
        routes.sort(key=lambda r: -r[2].count("/") * 100 + r[2].count("{"))
        _state.update(doc=doc, components=components, routes=routes, validators={})
        return _state


def _deref(node, doc):
    while isinstance(node, dict) and "$ref" in node:
        target = doc
        for key in node["$ref"].lstrip("#/").split("/"):
            target = target[key]
        node = target
    return node


def _validator(schema_key, schema):
    st = _load()
    v = st["validators"].get(schema_key)
    if v is None:
        root = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                "components": st["components"]}
        root.update(_closed(schema))
        v = jsonschema.Draft202012Validator(root)
        st["validators"][schema_key] = v
    return v


def _path_of(error):
    return "$" + "".join("[%d]" % p if isinstance(p, int) else "." + str(p)
                         for p in error.absolute_path)


GENERIC_PROBLEM = {"$ref": "#/components/schemas/Problem"}


def _record(method, path, status, headers, body, template):
    out = os.environ.get("ESTIMATE_CONTRACT_RECORD")
    if not out:
        return
    try:
        text = body.decode("utf-8")
        parsed = json.loads(text) if text and "json" in headers.get("content-type", "") else None
    except (UnicodeDecodeError, ValueError):
        parsed = None
    line = json.dumps({"method": method, "path": path, "template": template, "status": status,
                       "content_type": headers.get("content-type"),
                       "headers": sorted(headers), "json": parsed}, ensure_ascii=False)
    with _lock, open(out, "a", encoding="utf-8") as f:
        f.write(line + "\n")


def _count(what):
    out = os.environ.get("ESTIMATE_CONTRACT_COUNT")
    if out:
        with _lock, open(out, "a", encoding="utf-8") as f:
            f.write(what + "\n")


def check(method, target, status, headers, body, request_body=None, request_headers=None):
    """Checks one answer; `headers` with lower-case names, `body` bytes. A request the server
    accepted (2xx) with a JSON body is checked against the operation's request schema too: the
    document must not reject what the server takes."""
    method = method.upper()
    path = urllib.parse.urlsplit(target).path
    st = _load()
    found = next(((t, op) for m, rx, t, op in st["routes"] if m == method and rx.match(path)),
                 None)
    _record(method, path, status, headers, body, found[0] if found else None)
    if os.environ.get("ESTIMATE_CONTRACT_CHECK", "1") == "0":
        return
    ctype = headers.get("content-type", "").split(";")[0].strip().lower()
    if found is None:
        name = "%s %s (not in the document)" % (method, path)
        if status < 400:
            # An undocumented path that answers with success: only the page and files of `/`.
            _count(name + " " + str(status))
            return
        if body and ctype != "application/problem+json":
            raise ContractError("%s: %d answered %r, not a problem" % (name, status, ctype))
        _count(name + " " + str(status))
        _validate(name, status, GENERIC_PROBLEM, body, "generic-problem")
        return
    template, op = found
    name = "%s %s %s" % (op.get("operationId", "?"), method, template)
    responses = op.get("responses", {})
    response = responses.get(str(status)) or responses.get("%dXX" % (status // 100)) \
        or responses.get("default")
    if response is None:
        raise ContractError("%s: status %d is not declared (declared: %s)"
                            % (name, status, ", ".join(sorted(responses))))
    response = _deref(response, st["doc"])
    for header, spec in response.get("headers", {}).items():
        spec = _deref(spec, st["doc"])
        value = headers.get(header.lower())
        if value is None:
            if spec.get("required"):
                raise ContractError("%s: %d lacks the header %s" % (name, status, header))
            continue
        schema = spec.get("schema", {})
        if schema.get("type") == "integer":
            value = int(value) if value.isdigit() else value
        errors = list(_validator("header|" + header + "|" + json.dumps(schema), schema).iter_errors(value))
        if errors:
            raise ContractError("%s: %d header %s: %s" % (name, status, header, errors[0].message))
    if 200 <= status < 300 and request_body:
        _check_request(name, op, request_body, request_headers or {})
    content = response.get("content")
    _count("%s %d" % (name, status))
    if not content:
        if body and method != "HEAD":
            raise ContractError("%s: %d has a body (%r) but declares none" % (name, status, ctype))
        return
    if method == "HEAD" or (not body and status == 304):
        return
    declared = {k.split(";")[0].strip().lower(): (k, v) for k, v in content.items()}
    if ctype not in declared:
        raise ContractError("%s: %d answered content-type %r, declared %s"
                            % (name, status, headers.get("content-type"), sorted(content)))
    key, media = declared[ctype]
    schema = media.get("schema")
    if schema is None or not (ctype.endswith("json") or ctype.endswith("+json")):
        return
    _validate(name, status, schema, body, "%s|%s|%d|%s" % (method, template, status, key))


def _check_request(name, op, body, headers):
    ctype = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    if "json" not in ctype.lower():
        return
    media = op.get("requestBody", {}).get("content", {}).get("application/json")
    if media is None:
        raise ContractError("%s: accepted a JSON body the document does not declare" % name)
    if isinstance(body, str):
        body = body.encode()
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return
    errors = list(_validator("request|" + name, media["schema"]).iter_errors(value))
    if errors:
        lines = ["%s: %s" % (_path_of(e), e.message[:300]) for e in errors[:5]]
        raise ContractError("%s: the server accepted a request body the document rejects:\n  %s"
                            % (name, "\n  ".join(lines)))


def _validate(name, status, schema, body, key):
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise ContractError("%s: %d body is not JSON: %s" % (name, status, e))
    errors = sorted(_validator(key, schema).iter_errors(value), key=lambda e: list(e.absolute_path))
    if errors:
        lines = ["%s: %s" % (_path_of(e), e.message[:300]) for e in errors[:5]]
        raise ContractError("%s: %d body does not match the document:\n  %s"
                            % (name, status, "\n  ".join(lines)))


_REQUEST_LINE = re.compile(rb"^([A-Z]+) (/[^ ]*) HTTP/1\.[01]\r\n")


def check_raw(payload, reply):
    """Checks the first answer in `reply` (bytes as read from the socket) to the raw request
    `payload`. A request line that is not origin-form HTTP names no operation: then the answer is
    checked as a generic problem."""
    head, sep, rest = reply.partition(b"\r\n\r\n")
    if not sep or not head.startswith(b"HTTP/1."):
        return
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    if "content-length" in headers:
        body = rest[:int(headers["content-length"])]
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        return  # not sent by this server; nothing to check exactly
    else:
        body = rest
    m = _REQUEST_LINE.match(payload)
    method, target = (m.group(1).decode(), m.group(2).decode("latin-1")) if m else ("?", "?")
    check(method, target, status, headers, body)
