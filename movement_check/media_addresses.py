"""Which of this computer's addresses the live video may use (WebRTC, through aiortc and aioice).

The web page is served on one address (Streamlit's ``server.address``,
127.0.0.1 by default), but WebRTC media does not go through the web server:
aiortc's ICE layer (aioice) opens its own UDP sockets, one per address of the
machine, and offers each to the browser as a "host candidate". Left alone it
takes every address this computer has (its outside IPv4 and IPv6 addresses
too), so a server meant for this computer only would still listen, and tell
the browser it listens, on the network.

The setting ``media_addresses`` (:class:`movement_check.config.LiveConfig`)
lists the addresses the media may use; loopback only (127.0.0.1) by default,
which is enough when the patient's browser runs on this computer. A clinic
whose patients connect from elsewhere sets the server's network or public
address here, and a TURN relay in the ICE servers setting.

:func:`addresses_to_use` is the pure rule (checked against the machine's own
addresses); :func:`keep_media_on` puts it into aioice, once, before any live
connection is made. Remote candidates given as mDNS names (``....local``) are
not looked up while it is in force: aioice would open a UDP socket on every
address (port 5353) and ask the whole network. Browsers that have been given
the camera, as the patient's page has before it connects, offer plain
addresses instead (and a browser's checks reaching a configured address let
aioice learn the browser's address anyway).

A TURN relay in the ICE servers is reached from whichever address the
computer routes to it: that socket talks to the relay only, and is the
clinic's own choice.
"""

from __future__ import annotations

import ipaddress
from typing import Iterable, Sequence

from movement_check.errors import InputError

LOOPBACK = ("127.0.0.1",)
SETTING = "media_addresses ([live] in the settings file, or MOVEMENT_CHECK_MEDIA_ADDRESSES)"


def parse_address(text: str) -> str:
    """``text`` as an IP address in its usual written form; raises :class:`InputError` naming the setting."""
    try:
        address = ipaddress.ip_address(str(text).strip())
    except ValueError:
        raise InputError(f"{SETTING} must list IP addresses of this computer, such as 127.0.0.1 or "
                         f"192.168.1.20 (got {str(text)!r}).") from None
    return str(address)


def machine_addresses() -> list[str]:
    """Every address this computer's network interfaces have now, loopback included (IPv6 link-local
    addresses are left out: a socket cannot be bound to one without naming its interface)."""
    import ifaddr  # aioice's own way of listing them; it comes with aiortc

    found = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            if isinstance(ip.ip, str):
                found.append(ip.ip)
            elif ip.ip[2] == 0:                   # (address, flowinfo, scope id); a scope id marks link-local
                found.append(ip.ip[0])
    return found


def addresses_to_use(configured: Sequence[str], machine: Iterable[str]) -> tuple[str, ...]:
    """The configured addresses, each checked against ``machine`` (this computer's addresses).

    Raises :class:`InputError` naming every configured address this computer
    does not have (a typo, or an address from another machine), and an empty list.
    """
    if not configured:
        raise InputError(f"{SETTING} is empty: list at least one address, e.g. 127.0.0.1.")
    wanted = [parse_address(a) for a in configured]
    have = {parse_address(a) for a in machine}
    missing = [a for a in wanted if a not in have]
    if missing:
        raise InputError(f"{SETTING}: this computer has no address {', '.join(missing)}; "
                         f"its addresses are {', '.join(sorted(have)) or 'none'}.")
    return tuple(dict.fromkeys(wanted))


def host_addresses(addresses: Sequence[str], *, use_ipv4: bool, use_ipv6: bool) -> list[str]:
    """The addresses aioice may bind and offer, in aioice's own terms (IPv4 and/or IPv6 as it asks)."""
    versions = {4} if use_ipv4 else set()
    if use_ipv6:
        versions.add(6)
    return [a for a in addresses if ipaddress.ip_address(a).version in versions]


def keep_media_on(addresses: Sequence[str]) -> tuple[str, ...]:
    """From now on, in this process, WebRTC media binds and offers only ``addresses`` (see the module
    docstring); returns them. Raises :class:`InputError` when this computer lacks one of them.

    Calling it again replaces the addresses. Affects every aiortc connection made afterwards.
    """
    import aioice.ice

    hooks = ("get_host_addresses", "get_or_create_mdns_protocol")
    if not all(callable(getattr(aioice.ice, name, None)) for name in hooks):     # a newer aioice: say so, never leak
        raise RuntimeError(f"this aioice has no {' / '.join(hooks)}: the live video cannot be kept on "
                           "the configured addresses (aioice 0.13 has them)")
    chosen = addresses_to_use(addresses, machine_addresses())

    def get_host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
        return host_addresses(chosen, use_ipv4=use_ipv4, use_ipv6=use_ipv6)

    async def no_mdns_lookup(subscriber: object) -> _NoLookup:
        return _NoLookup()

    aioice.ice.get_host_addresses = get_host_addresses
    aioice.ice.get_or_create_mdns_protocol = no_mdns_lookup
    return chosen


class _NoLookup:
    """Stands in for aioice's mDNS resolver: every name is unresolved (aioice then logs it and leaves that
    remote candidate out), and no socket is opened."""

    async def resolve(self, hostname: str, timeout: float | None = None) -> None:
        return None
