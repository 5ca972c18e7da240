"""Small security pieces that Django and the libraries we use do not provide."""

import functools
import ipaddress
from http import HTTPStatus

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http.request import validate_host
from django.middleware import csrf
from django.shortcuts import render


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the policy of a plain response built once.

    django-csp builds the header for every response, copying and joining the whole
    policy: on a page served from the page cache, that was a seventh of the request. A
    response with no nonce and no policy of its own (every public page) gets the same
    header each time, so the headers django-csp gave the first one are reused until the
    policy settings change. Everything else goes through django-csp itself."""

    # Set on a response by django-csp's view decorators, each with a "_ro" twin.
    OWN_POLICY = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")
    plain_headers = None

    def process_response(self, request, response):
        if not self.is_plain(request, response):
            return super().process_response(request, response)
        headers = ContentSecurityPolicyMiddleware.plain_headers
        if headers is None:
            response = super().process_response(request, response)
            ContentSecurityPolicyMiddleware.plain_headers = {
                name: response[name] for name in (HEADER, HEADER_REPORT_ONLY) if name in response
            }
            return response
        for name, value in headers.items():
            response[name] = value
        # As django-csp does: a nonce asked for now would be in no header.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    def is_plain(self, request, response):
        policies = (
            settings.CONTENT_SECURITY_POLICY or {},
            getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None) or {},
        )
        return not (
            settings.DEBUG  # django-csp leaves Django's debug pages alone
            or getattr(request, "_csp_nonce", None) is not None
            or any(
                hasattr(response, name) or hasattr(response, f"{name}_ro")
                for name in self.OWN_POLICY
            )
            or HEADER in response
            or HEADER_REPORT_ONLY in response
            or any(policy.get("EXCLUDE_URL_PREFIXES") for policy in policies)
        )


@receiver(setting_changed)
def _forget_plain_policy(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        ContentSecurityPolicyMiddleware.plain_headers = None


class CrossOriginResourcePolicyMiddleware:
    """Sends `Cross-Origin-Resource-Policy`, so other sites cannot embed our pages in
    theirs (Django sets the opener policy but not this one). Images and other files under
    CROSS_ORIGIN_SHARED_PATHS are public and meant to travel: feeds name cover images,
    and a web feed reader shows them from its own site."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CROSS_ORIGIN_RESOURCE_POLICY
        if request.path.startswith(tuple(settings.CROSS_ORIGIN_SHARED_PATHS)):
            policy = "cross-origin"
        if policy:
            response.headers.setdefault("Cross-Origin-Resource-Policy", policy)
        return response


class HealthCheckMiddleware:
    """Answers /healthz before anything checks the Host header. Load balancers ask each
    server by its own address (Host: 10.0.1.23), which ALLOWED_HOSTS rightly refuses
    for pages; the health answer names no host, so it is safe to give to any."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz":
            from articles.views import healthz

            return healthz(request)
        return self.get_response(request)


def is_own_host(hostname) -> bool:
    """Whether `hostname` is one of the site's own names. "*" in ALLOWED_HOSTS (a host
    check left to the proxy) would make any site's address look like ours."""
    own_hosts = [host for host in settings.ALLOWED_HOSTS if host != "*"]
    return bool(hostname) and validate_host(hostname, own_hosts)


def client_ip(request) -> str:
    """The address of the person making the request.

    Behind a reverse proxy REMOTE_ADDR is the proxy's own address, and the client's is the
    last one the proxy appended to X-Forwarded-For. That header is believed only when the
    request comes from a proxy in FORWARDED_ALLOW_IPS (the list gunicorn trusts too): any
    earlier entries were written by the client and could be anything.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and _is_trusted_proxy(remote_addr, tuple(settings.FORWARDED_ALLOW_IPS)):
        last_hop = forwarded.split(",")[-1].strip()
        if last_hop:
            return last_hop
    return remote_addr


def client_address(request):
    """The client's IP address as an `ipaddress` object (an IPv4 address written as IPv6
    is taken as IPv4), or None when it is not a valid address."""
    try:
        address = ipaddress.ip_address(client_ip(request).strip().strip("[]"))
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


# A home or phone connection usually gets a whole IPv6 /64.
IPV6_PREFIX_LENGTH = 64


def client_network(address):
    """The network counted as one client by sign-in lockout and comment flood control:
    an IPv4 address on its own, or the IPv6 /64 around it; None for no address."""
    if address is None:
        return None
    prefix = 32 if address.version == 4 else IPV6_PREFIX_LENGTH
    return ipaddress.ip_network(f"{address}/{prefix}", strict=False)


def sign_in_network(request) -> str:
    """What django-axes counts failed sign-ins against: the client's network (as its
    first address, which is what axes stores), since one IPv6 connection holds all of a
    /64 and would otherwise try each password from a new address."""
    network = client_network(client_address(request))
    return str(network.network_address) if network else client_ip(request)


# The length of the user name column of django-axes's records.
SIGN_IN_USERNAME_LENGTH = 255


def sign_in_username(request, credentials=None):
    """The user name django-axes counts a failed sign-in against, as typed, cut to the
    length its records keep. No account's name is that long (150 at most), but a script
    may send one: PostgreSQL refused to store it, and the sign-in page failed with a
    server error, where SQLite kept it whole."""
    username = (credentials or request.POST).get("username")
    return username[:SIGN_IN_USERNAME_LENGTH] if username else username


def _is_trusted_proxy(remote_addr, trusted) -> bool:
    # Addresses and networks, as gunicorn reads the same list (10.0.0.0/16, *).
    if "*" in trusted:
        return True
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return False
    # A proxy on IPv4 reaches a server listening on :: (HOST=::) as ::ffff:127.0.0.1.
    address = getattr(address, "ipv4_mapped", None) or address
    return any(address in network for network in _networks(trusted))


@functools.cache
def _networks(trusted):
    return [ipaddress.ip_network(entry, strict=False) for entry in trusted]


def lockout_response(request, original_response=None, credentials=None):
    """The page django-axes shows instead of the sign-in form while a user name and
    address are locked out: in the admin's own look, saying how long the pause lasts."""
    from axes.helpers import get_client_username, get_cool_off, get_failure_limit
    from django.contrib import admin
    from django.shortcuts import render

    cool_off = get_cool_off(request)
    context = admin.site.each_context(request) | {
        "title": "Sign-in paused",
        "username": get_client_username(request, credentials) or "",
        "failure_limit": get_failure_limit(request, credentials),
        "minutes": round(cool_off.total_seconds() / 60) if cool_off else None,
    }
    return render(request, "admin/lockout.html", context, status=HTTPStatus.TOO_MANY_REQUESTS)


# Failures that mean the reader's own token and cookie no longer agree (another tab, cleared
# cookies). A post from another site fails the Origin or Referer check first; its text is
# never offered back, or a stranger's page could fill in a comment for one click to send.
def _is_token_mismatch(reason):
    return reason in (csrf.REASON_NO_CSRF_COOKIE, csrf.REASON_CSRF_TOKEN_MISSING) or (
        reason.startswith(("CSRF token from POST ", "CSRF cookie "))
    )


def csrf_failure(request, reason=""):
    """The site's CSRF_FAILURE_VIEW: its own page (with the footer), not Django's bare one.
    A failed comment or edit of one, the forms readers write in, comes back on its page
    to be sent again, the text in place; a deletion, with no text to lose, gets this page."""
    from comments.views import comment_csrf_failure, comment_edit_csrf_failure

    match = request.resolver_match
    same_site = request.headers.get("Sec-Fetch-Site", "same-origin") == "same-origin"
    if match is not None and _is_token_mismatch(reason) and same_site:
        if match.view_name == "comments:post":
            return comment_csrf_failure(request, match.kwargs["slug"])
        if match.view_name == "comments:edit":
            return comment_edit_csrf_failure(request, match.kwargs["pk"])
    return render(request, "403_csrf.html", status=HTTPStatus.FORBIDDEN)
