"""The address of the person at the other end, for every limit that counts addresses (django-ratelimit's "ip" key
through RATELIMIT_IP_META_KEY, django-axes' lock-out through AXES_CLIENT_IP_CALLABLE, the registration attempts).

Behind a reverse proxy REMOTE_ADDR is the proxy's, the same for everyone: one phone's flood of sign-in codes would
use up the whole county's allowance, and five wrong passwords would lock a username for every office. The proxy
appends the address it saw to X-Forwarded-For; whatever stands left of that entry the client may have written
itself. So the header is read only when the peer is one of TRUSTED_PROXIES, from the right, skipping the trusted
proxies of a chain: the first address that is not one of them is the client. Anyone else's header is ignored.
"""

import functools
import ipaddress
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_proxy_networks(entries: list[str] | tuple[str, ...]) -> tuple[IPNetwork, ...]:
    """TRUSTED_PROXIES (addresses or CIDR blocks) as networks; ValueError names an entry that is neither."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


@functools.lru_cache(maxsize=8)
def _trusted(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return trusted_proxy_networks(entries)


def _address(entry: str) -> IPAddress | None:
    """The address of one X-Forwarded-For entry: bare, or with the port some proxies add (Azure Application Gateway,
    IIS ARR: 203.0.113.7:5000, [2001:db8::1]:443)."""
    host = entry.strip()
    if host.startswith("["):
        host, closed, after = host[1:].partition("]")
        if not closed or (after and not (after.startswith(":") and _is_port(after[1:]))):
            return None
    elif host.count(":") == 1:
        host, _colon, port = host.partition(":")
        if not _is_port(port):
            return None
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _is_port(text: str) -> bool:
    return text.isascii() and text.isdigit() and int(text) <= 65535


def client_address(request: "HttpRequest") -> str:
    """The client's address: the right-most X-Forwarded-For entry that is not a trusted proxy when the peer is one,
    else the peer (REMOTE_ADDR). A trusted proxy whose header holds no readable address is itself the client."""
    peer = request.META.get("REMOTE_ADDR", "")
    trusted = _trusted(tuple(settings.TRUSTED_PROXIES))
    peer_address = _address(peer)
    if peer_address is None or not any(peer_address in network for network in trusted):
        return peer
    hops = [_address(hop) for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = peer_address
    for hop in reversed(hops):
        if hop is None:
            # Not an address: written by someone no trusted proxy vouches for; the last trusted hop stands.
            break
        client = hop
        if not any(hop in network for network in trusted):
            break
    return str(client)
