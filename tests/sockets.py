"""The UDP (and listening TCP) sockets a process has open, read from /proc (Linux): which addresses it listens on.

Used to check that the live video binds only the configured addresses
(:mod:`movement_check.media_addresses`), and that the batch's own Dask workers listen on 127.0.0.1 only.
psutil would do the same; it is not a dependency.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:                       # closed meanwhile
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    return inodes


def _address(hex_address: str) -> tuple[str, int]:
    """/proc/net/udp's ``0100007F:1F90`` (the address in the kernel's byte order, per 32-bit word) as
    ``("127.0.0.1", 8080)``."""
    host, port = hex_address.split(":")
    raw = bytes.fromhex(host)
    host_bytes = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
    return str(ipaddress.ip_address(host_bytes)), int(port, 16)


def udp_sockets(pid: int | None = None) -> list[tuple[str, int]]:
    """(address, port) of every UDP socket process ``pid`` (default: this one) has open."""
    pid = os.getpid() if pid is None else pid
    inodes = _socket_inodes(pid)
    found = []
    for table in ("/proc/net/udp", "/proc/net/udp6"):
        for line in Path(f"/proc/{pid}/net/{Path(table).name}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[9] in inodes:
                found.append(_address(fields[1]))
    return found


def tcp_listening(pid: int | None = None) -> list[tuple[str, int]]:
    """(address, port) of every TCP socket process ``pid`` (default: this one) listens on."""
    pid = os.getpid() if pid is None else pid
    inodes = _socket_inodes(pid)
    found = []
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:          # 0A: LISTEN
                found.append(_address(fields[1]))
    return found


def outside_loopback(sockets: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The sockets bound to an address other than loopback (the wildcard 0.0.0.0 / :: included)."""
    out = []
    for host, port in sockets:
        address = ipaddress.ip_address(host)
        if getattr(address, "ipv4_mapped", None):
            address = address.ipv4_mapped
        if not address.is_loopback:
            out.append((host, port))
    return out
