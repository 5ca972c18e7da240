"""The Mozilla HTTP Observatory's grading, applied to the test client's responses.

The tests, their results and score modifiers follow the Observatory's published scoring
table and analyzers (mdn/mdn-http-observatory: src/grader/charts.js and
src/analyzer/tests/*.js): every site starts at 100, penalties are subtracted, and bonuses
count only when the score without them is at least 90. 100 or more is an A+.

What a scanner learns from the network is simulated with the test client: the page over
https (the "auto" response), the same path over plain http with its redirects followed,
and a cross-origin request carrying an Origin header. HSTS preloading cannot be known
offline and counts as not preloaded.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urljoin, urlsplit

MODIFIERS = {
    # Content Security Policy
    "csp-implemented-with-no-unsafe-default-src-none": 10,
    "csp-implemented-with-no-unsafe": 5,
    "csp-implemented-with-unsafe-inline-in-style-src-only": 0,
    "csp-implemented-with-insecure-scheme-in-passive-content-only": -10,
    "csp-implemented-with-unsafe-eval": -10,
    "csp-implemented-with-unsafe-inline": -20,
    "csp-implemented-with-insecure-scheme": -20,
    "csp-header-invalid": -25,
    "csp-not-implemented": -25,
    "csp-not-implemented-but-reporting-enabled": -25,
    # Cookies
    "cookies-secure-with-httponly-sessions-and-samesite": 5,
    "cookies-secure-with-httponly-sessions": 0,
    "cookies-not-found": 0,
    "cookies-without-secure-flag-but-protected-by-hsts": -5,
    "cookies-session-without-secure-flag-but-protected-by-hsts": -10,
    "cookies-without-secure-flag": -20,
    "cookies-samesite-flag-invalid": -20,
    "cookies-anticsrf-without-samesite-flag": -20,
    "cookies-session-without-httponly-flag": -30,
    "cookies-session-without-secure-flag": -40,
    # Cross-origin resource sharing
    "cross-origin-resource-sharing-not-implemented": 0,
    "cross-origin-resource-sharing-implemented-with-public-access": 0,
    "cross-origin-resource-sharing-implemented-with-restricted-access": 0,
    "cross-origin-resource-sharing-implemented-with-universal-access": -50,
    # Redirection
    "redirection-to-https": 0,
    "redirection-not-needed-no-http": 0,
    "redirection-off-host-from-http": -5,
    "redirection-not-to-https-on-initial-redirection": -10,
    "redirection-not-to-https": -20,
    "redirection-missing": -20,
    # Referrer policy
    "referrer-policy-private": 5,
    "referrer-policy-not-implemented": 0,
    "referrer-policy-unsafe": -5,
    "referrer-policy-header-invalid": -5,
    # Strict Transport Security
    "hsts-preloaded": 5,
    "hsts-implemented-max-age-at-least-six-months": 0,
    "hsts-implemented-max-age-less-than-six-months": -10,
    "hsts-not-implemented": -20,
    "hsts-header-invalid": -20,
    # Subresource integrity
    "sri-implemented-and-all-scripts-loaded-securely": 5,
    "sri-implemented-and-external-scripts-loaded-securely": 5,
    "sri-not-implemented-response-not-html": 0,
    "sri-not-implemented-but-no-scripts-loaded": 0,
    "sri-not-implemented-but-all-scripts-loaded-from-secure-origin": 0,
    "sri-not-implemented-but-external-scripts-loaded-securely": -5,
    "sri-implemented-but-external-scripts-not-loaded-securely": -20,
    "sri-not-implemented-and-external-scripts-not-loaded-securely": -50,
    # X-Content-Type-Options
    "x-content-type-options-nosniff": 0,
    "x-content-type-options-not-implemented": -5,
    "x-content-type-options-header-invalid": -5,
    # X-Frame-Options
    "x-frame-options-implemented-via-csp": 5,
    "x-frame-options-sameorigin-or-deny": 0,
    "x-frame-options-allow-from-origin": 0,
    "x-frame-options-not-implemented": -20,
    "x-frame-options-header-invalid": -20,
    # Cross-Origin-Resource-Policy
    "corp-implemented-with-same-origin": 10,
    "corp-implemented-with-same-site": 10,
    "corp-implemented-with-cross-origin": 0,
    "corp-not-implemented": 0,
    "corp-header-invalid": -5,
}
MINIMUM_SCORE_FOR_EXTRA_CREDIT = 90
GRADES = [
    (100, "A+"), (90, "A"), (85, "A-"), (80, "B+"), (70, "B"), (65, "B-"), (60, "C+"),
    (50, "C"), (45, "C-"), (40, "D+"), (30, "D"), (25, "D-"), (0, "F"),
]  # fmt: skip
SIX_MONTHS = 15_552_000
DANGEROUSLY_BROAD = {
    "ftp:", "http:", "https:", "*", "http://*", "http://*.*", "https://*", "https://*.*",
}  # fmt: skip
UNSAFE_INLINE = {"'unsafe-inline'", "data:"}
NONCES_HASHES = ("'sha256-", "'sha384-", "'sha512-", "'nonce-")
SCANNER_ORIGIN = "https://http-observatory.security.mozilla.org"


@dataclass
class Report:
    path: str
    results: dict = field(default_factory=dict)

    @property
    def score(self):
        modifiers = [MODIFIERS[result] for result in self.results.values()]
        penalties = 100 + sum(modifier for modifier in modifiers if modifier < 0)
        if penalties < MINIMUM_SCORE_FOR_EXTRA_CREDIT:
            return max(penalties, 0)
        return 100 + sum(modifiers)

    @property
    def grade(self):
        return next(grade for floor, grade in GRADES if self.score >= floor)

    def __str__(self):
        counted = sorted(
            (result for result in self.results.values() if MODIFIERS[result]),
            key=lambda result: (-MODIFIERS[result], result),
        )
        details = ", ".join(f"{result} {MODIFIERS[result]:+d}" for result in counted)
        return f"{self.score} ({self.grade}) {self.path} [{details}]"


def scan(client, path, host="testserver"):
    """Fetch `path` the way the Observatory does and grade the answers."""
    auto = client.get(path, secure=True)
    assert auto.status_code == 200, f"{path} answered {auto.status_code} over https"
    cors = client.get(path, secure=True, HTTP_ORIGIN=SCANNER_ORIGIN)
    http_route = _follow_from_http(client, path, host)
    csp = parse_csp(auto.headers.get("Content-Security-Policy"))
    hsts = strict_transport_security(auto)
    cookies = SimpleCookie()
    for response in [auto, cors, *(response for _, response in http_route)]:
        for morsel in response.cookies.values():
            cookies[morsel.key] = morsel
    report = Report(path)
    report.results = {
        "content-security-policy": content_security_policy(auto, csp),
        "cookies": cookie_result(cookies, hsts_passed=hsts.startswith("hsts-implemented")),
        "cross-origin-resource-sharing": cross_origin_resource_sharing(cors),
        "redirection": redirection([url for url, _ in http_route]),
        "referrer-policy": referrer_policy(auto),
        "strict-transport-security": hsts,
        "subresource-integrity": subresource_integrity(auto),
        "x-content-type-options": x_content_type_options(auto),
        "x-frame-options": x_frame_options(auto, csp),
        "cross-origin-resource-policy": cross_origin_resource_policy(auto),
    }  # fmt: skip
    return report


def _follow_from_http(client, path, host, limit=10):
    url = f"http://{host}{path}"
    route = []
    for _ in range(limit):
        parts = urlsplit(url)
        if parts.hostname != host:
            route.append((url, None))
            break
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        response = client.get(target, secure=parts.scheme == "https")
        route.append((url, response))
        if response.status_code not in (301, 302, 303, 307, 308):
            break
        url = urljoin(url, response.headers["Location"])
    return route


def parse_csp(header):
    """{directive: set of sources}, or None without a policy; raises ValueError on nonsense."""
    if not header:
        return None
    policy = {}
    for part in header.split(";"):
        tokens = part.strip().split()
        if not tokens:
            continue
        name = tokens[0].lower()
        if not all(character.isalnum() or character == "-" for character in name):
            raise ValueError(f"bad directive {name!r}")
        if name not in policy:
            policy[name] = {token.lower() for token in tokens[1:]} or {"'none'"}
    return policy


def content_security_policy(response, csp):
    try:
        csp = parse_csp(response.headers.get("Content-Security-Policy"))
    except ValueError:
        return "csp-header-invalid"
    if not csp:
        if response.headers.get("Content-Security-Policy-Report-Only"):
            return "csp-not-implemented-but-reporting-enabled"
        return "csp-not-implemented"
    default_src = csp.get("default-src")
    script_src = set(csp.get("script-src") or default_src or {"*"})
    style_src = set(csp.get("style-src") or default_src or {"*"})
    object_src = set(csp.get("object-src") or default_src or {"*"})
    for sources in (script_src, style_src):
        if any(source.startswith(NONCES_HASHES) for source in sources):
            sources.discard("'unsafe-inline'")
    if any(source.startswith(NONCES_HASHES) for source in script_src) and (
        "'strict-dynamic'" in script_src
    ):
        script_src = {
            source
            for source in script_src
            if not source.startswith(tuple(DANGEROUSLY_BROAD))
            and source not in {"'self'", "'unsafe-inline'"}
        }
    elif "'strict-dynamic'" in script_src:
        return "csp-header-invalid"
    passive_names = {"img-src", "media-src"}
    passive = set().union(*(csp.get(name) or default_src or set() for name in passive_names))
    active = set(script_src).union(
        *(sources for name, sources in csp.items() if name not in passive_names | {"script-src"})
    )
    if script_src & (DANGEROUSLY_BROAD | UNSAFE_INLINE) or object_src & DANGEROUSLY_BROAD:
        return "csp-implemented-with-unsafe-inline"
    if any(source.startswith(("http:", "ftp:")) for source in active):
        return "csp-implemented-with-insecure-scheme"
    if "'unsafe-eval'" in script_src | style_src:
        return "csp-implemented-with-unsafe-eval"
    if any(source.startswith(("http:", "ftp:")) for source in passive):
        return "csp-implemented-with-insecure-scheme-in-passive-content-only"
    if style_src & (DANGEROUSLY_BROAD | UNSAFE_INLINE):
        return "csp-implemented-with-unsafe-inline-in-style-src-only"
    if default_src == {"'none'"}:
        return "csp-implemented-with-no-unsafe-default-src-none"
    return "csp-implemented-with-no-unsafe"


WORSE_COOKIE_RESULTS = [
    "cookies-without-secure-flag-but-protected-by-hsts",
    "cookies-without-secure-flag",
    "cookies-session-without-secure-flag-but-protected-by-hsts",
    "cookies-samesite-flag-invalid",
    "cookies-anticsrf-without-samesite-flag",
    "cookies-session-without-httponly-flag",
    "cookies-session-without-secure-flag",
]


def cookie_result(cookies, hsts_passed):
    live = [morsel for morsel in cookies.values() if str(morsel["max-age"]) != "0" and morsel.value]
    if not live:
        return "cookies-not-found"
    found = []
    missing_samesite = False
    for morsel in live:
        name = morsel.key.lower()
        session = "login" in name or "sess" in name
        secure, httponly = bool(morsel["secure"]), bool(morsel["httponly"])
        samesite = morsel["samesite"].lower()
        if samesite and samesite not in {"lax", "strict", "none"}:
            found.append("cookies-samesite-flag-invalid")
        if not secure and samesite == "none":
            found.append("cookies-samesite-flag-invalid")
        if not secure:
            found.append(
                "cookies-without-secure-flag-but-protected-by-hsts"
                if hsts_passed
                else "cookies-without-secure-flag"
            )
        if "csrf" in name and not samesite:
            found.append("cookies-anticsrf-without-samesite-flag")
        if session and not secure:
            found.append(
                "cookies-session-without-secure-flag-but-protected-by-hsts"
                if hsts_passed
                else "cookies-session-without-secure-flag"
            )
        if session and not httponly:
            found.append("cookies-session-without-httponly-flag")
        missing_samesite = missing_samesite or not samesite
    if found:
        return max(found, key=WORSE_COOKIE_RESULTS.index)
    if missing_samesite:
        return "cookies-secure-with-httponly-sessions"
    return "cookies-secure-with-httponly-sessions-and-samesite"


def cross_origin_resource_sharing(response):
    allow_origin = response.headers.get("Access-Control-Allow-Origin", "").strip().lower()
    if not allow_origin:
        return "cross-origin-resource-sharing-not-implemented"
    if allow_origin == "*":
        return "cross-origin-resource-sharing-implemented-with-public-access"
    credentials = response.headers.get("Access-Control-Allow-Credentials", "").strip().lower()
    if allow_origin == SCANNER_ORIGIN and credentials == "true":
        return "cross-origin-resource-sharing-implemented-with-universal-access"
    return "cross-origin-resource-sharing-implemented-with-restricted-access"


def redirection(route):
    if not route:
        return "redirection-not-needed-no-http"
    if len(route) == 1:
        return "redirection-missing"
    schemes = [urlsplit(url).scheme for url in route]
    if schemes[-1] != "https":
        return "redirection-not-to-https"
    if schemes[1] == "http":
        return "redirection-not-to-https-on-initial-redirection"
    if urlsplit(route[0]).hostname != urlsplit(route[1]).hostname:
        return "redirection-off-host-from-http"
    return "redirection-to-https"


def referrer_policy(response):
    header = response.headers.get("Referrer-Policy")
    if not header:
        return "referrer-policy-not-implemented"
    private = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
    unsafe = {"origin", "origin-when-cross-origin", "unsafe-url", "no-referrer-when-downgrade"}
    values = [value.strip().lower() for value in header.split(",")]
    valid = [value for value in values if value in private | unsafe]
    if not valid:
        return "referrer-policy-header-invalid"
    return "referrer-policy-private" if valid[-1] in private else "referrer-policy-unsafe"


def strict_transport_security(response):
    header = response.headers.get("Strict-Transport-Security")
    if not header:
        return "hsts-not-implemented"
    if "," in header:
        return "hsts-header-invalid"
    max_age = None
    for parameter in (part.strip().lower() for part in header.split(";")):
        if parameter.startswith("max-age="):
            try:
                max_age = int(parameter[len("max-age=") :].strip('"'))
            except ValueError:
                return "hsts-header-invalid"
    if max_age is None:
        return "hsts-header-invalid"
    if max_age < SIX_MONTHS:
        return "hsts-implemented-max-age-less-than-six-months"
    return "hsts-implemented-max-age-at-least-six-months"


class _ScriptCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append(dict(attrs))


def _registrable_domain(host):
    return ".".join((host or "").split(".")[-2:])


def subresource_integrity(response, host="testserver"):
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
    if content_type and content_type not in {"text/html", "application/xhtml+xml"}:
        return "sri-not-implemented-response-not-html"
    parser = _ScriptCollector()
    parser.feed(response.content.decode(response.charset or "utf-8", "replace"))
    if not parser.scripts:
        return "sri-not-implemented-but-no-scripts-loaded"
    ranking = [
        "sri-implemented-and-all-scripts-loaded-securely",
        "sri-implemented-and-external-scripts-loaded-securely",
        "sri-implemented-but-external-scripts-not-loaded-securely",
        "sri-not-implemented-but-external-scripts-loaded-securely",
        "sri-not-implemented-and-external-scripts-not-loaded-securely",
        "sri-not-implemented-response-not-html",
    ]
    result, foreign = None, False
    for script in parser.scripts:
        src = script.get("src")
        if not src:
            continue
        integrity = script.get("integrity")
        protocol_relative = src.startswith("//")
        absolute = src.lower().startswith(("http://", "https://"))
        relative = not protocol_relative and not absolute
        same_domain = (
            protocol_relative
            or relative
            or (_registrable_domain(urlsplit(src).hostname) == _registrable_domain(host))
        )
        secure_origin = relative or (same_domain and not protocol_relative)
        secure_scheme = (absolute and src.lower().startswith("https://")) or relative
        if not secure_origin:
            foreign = True
            if integrity and not secure_scheme:
                candidate = "sri-implemented-but-external-scripts-not-loaded-securely"
            elif not integrity and secure_scheme:
                candidate = "sri-not-implemented-but-external-scripts-loaded-securely"
            elif not integrity:
                candidate = "sri-not-implemented-and-external-scripts-not-loaded-securely"
            else:
                candidate = None
            if candidate and (result is None or ranking.index(candidate) > ranking.index(result)):
                result = candidate
        elif integrity and secure_scheme and result is None:
            result = "sri-implemented-and-all-scripts-loaded-securely"
    if result:
        return result
    if foreign:
        return "sri-implemented-and-external-scripts-loaded-securely"
    return "sri-not-implemented-but-all-scripts-loaded-from-secure-origin"


def x_content_type_options(response):
    header = response.headers.get("X-Content-Type-Options")
    if not header:
        return "x-content-type-options-not-implemented"
    if header.strip().lower() == "nosniff":
        return "x-content-type-options-nosniff"
    return "x-content-type-options-header-invalid"


def x_frame_options(response, csp):
    if csp and "frame-ancestors" in csp:
        return "x-frame-options-implemented-via-csp"
    header = (response.headers.get("X-Frame-Options") or "").strip().lower()
    if not header:
        return "x-frame-options-not-implemented"
    if header in {"deny", "sameorigin"}:
        return "x-frame-options-sameorigin-or-deny"
    if header.startswith("allow-from"):
        return "x-frame-options-allow-from-origin"
    return "x-frame-options-header-invalid"


def cross_origin_resource_policy(response):
    header = (response.headers.get("Cross-Origin-Resource-Policy") or "")[:256].strip().lower()
    return {
        "": "corp-not-implemented",
        "same-origin": "corp-implemented-with-same-origin",
        "same-site": "corp-implemented-with-same-site",
        "cross-origin": "corp-implemented-with-cross-origin",
    }.get(header, "corp-header-invalid")
