"""The live video stays on the configured addresses: the rule, the setting, and real aiortc connections.

This machine's outside addresses are what aioice would use unchecked; the
real-connection tests count the UDP sockets this process opens (/proc, see
tests/fixtures/sockets.py) and the candidates each side offers.
"""

import asyncio
import ipaddress

import pytest

from movement_check.config import load_config
from movement_check.errors import InputError
from movement_check.media_addresses import (LOOPBACK, addresses_to_use, host_addresses, keep_media_on,
                                            machine_addresses)
from tests.fixtures.sockets import outside_loopback, udp_sockets

aiortc = pytest.importorskip("aiortc")
import aioice.ice  # noqa: E402  (comes with aiortc)

MACHINE = ["127.0.0.1", "::1", "192.168.1.20", "2001:db8::20"]


# -- the rule -----------------------------------------------------------------------------------

def test_the_configured_addresses_are_used_when_this_computer_has_them():
    assert addresses_to_use(LOOPBACK, MACHINE) == ("127.0.0.1",)
    assert addresses_to_use(["192.168.1.20", "2001:DB8:0::20", "192.168.1.20"], MACHINE) == (
        "192.168.1.20", "2001:db8::20")                                  # written the usual way, once each


def test_an_address_this_computer_does_not_have_is_refused_naming_each_one_and_the_setting():
    with pytest.raises(InputError) as refused:
        addresses_to_use(["127.0.0.1", "10.0.0.7", "2001:db8::99"], MACHINE)
    message = str(refused.value)
    assert "10.0.0.7" in message and "2001:db8::99" in message and "MOVEMENT_CHECK_MEDIA_ADDRESSES" in message
    assert "192.168.1.20" in message                                   # what it could be instead
    with pytest.raises(InputError, match="empty"):
        addresses_to_use([], MACHINE)


@pytest.mark.parametrize("bad", ["localhost", "192.168.1", "my-server.clinic.local", "127.0.0.1:8501", ""])
def test_something_that_is_not_an_ip_address_is_refused_naming_the_setting(bad):
    with pytest.raises(InputError, match=r"media_addresses .*must list IP addresses") as refused:
        addresses_to_use([bad], MACHINE)
    assert repr(bad) in str(refused.value)


def test_aioice_is_given_the_addresses_of_the_ip_version_it_asks_for():
    both = ("127.0.0.1", "::1")
    assert host_addresses(both, use_ipv4=True, use_ipv6=True) == ["127.0.0.1", "::1"]
    assert host_addresses(both, use_ipv4=True, use_ipv6=False) == ["127.0.0.1"]
    assert host_addresses(both, use_ipv4=False, use_ipv6=True) == ["::1"]


def test_this_computers_addresses_include_loopback():
    assert "127.0.0.1" in machine_addresses()


# -- the setting --------------------------------------------------------------------------------

def test_the_setting_defaults_to_loopback_and_is_read_from_the_file_and_the_environment(tmp_path):
    assert load_config({}, cwd=tmp_path).media_addresses == ("127.0.0.1",)
    (tmp_path / "movement-check.toml").write_text('[live]\nmedia_addresses = ["192.168.1.20", "::1"]\n')
    assert load_config({}, cwd=tmp_path).media_addresses == ("192.168.1.20", "::1")
    for text in ('["10.1.2.3", "127.0.0.1"]', "10.1.2.3, 127.0.0.1"):
        config = load_config({"MOVEMENT_CHECK_MEDIA_ADDRESSES": text}, cwd=tmp_path)
        assert config.media_addresses == ("10.1.2.3", "127.0.0.1")     # the environment wins


@pytest.mark.parametrize("text, message", [
    ("localhost", "must list IP addresses"),
    ('["127.0.0.1",', "MOVEMENT_CHECK_MEDIA_ADDRESSES is not valid JSON"),
    ('[127]', "must be a list of IP addresses"),
    (" , ", "empty"),
])
def test_a_media_address_setting_that_cannot_be_read_is_named(tmp_path, text, message):
    with pytest.raises(InputError, match=message) as refused:
        load_config({"MOVEMENT_CHECK_MEDIA_ADDRESSES": text}, cwd=tmp_path)
    assert "media_addresses" in str(refused.value) or "MEDIA_ADDRESSES" in str(refused.value)


# -- real connections ---------------------------------------------------------------------------

@pytest.fixture
def aioice_restored(monkeypatch):
    """aioice as it was before the test (keep_media_on changes it for the whole process)."""
    monkeypatch.setattr(aioice.ice, "get_host_addresses", aioice.ice.get_host_addresses)
    monkeypatch.setattr(aioice.ice, "get_or_create_mdns_protocol", aioice.ice.get_or_create_mdns_protocol)


def _host(candidate_line: str) -> str:
    return candidate_line.split()[4]                # a=candidate:<foundation> <component> udp <priority> <host> ...


async def _connect_two_peers() -> dict:
    """Two aiortc peers, as the server's side of a live visit makes them (no ICE servers), connected to each
    other; returns the hosts each offered, the UDP sockets open meanwhile and the connection states."""
    config = aiortc.RTCConfiguration(iceServers=[])
    caller, callee = aiortc.RTCPeerConnection(config), aiortc.RTCPeerConnection(config)
    try:
        caller.createDataChannel("probe")
        await caller.setLocalDescription(await caller.createOffer())
        await callee.setRemoteDescription(caller.localDescription)
        await callee.setLocalDescription(await callee.createAnswer())
        await caller.setRemoteDescription(callee.localDescription)
        for _ in range(100):
            if caller.connectionState == callee.connectionState == "connected":
                break
            await asyncio.sleep(0.05)
        offered = [_host(line) for pc in (caller, callee) for line in pc.localDescription.sdp.splitlines()
                   if line.startswith("a=candidate:")]
        return {"offered": offered, "sockets": udp_sockets(), "states": (caller.connectionState,
                                                                          callee.connectionState)}
    finally:
        await caller.close()
        await callee.close()


def test_with_the_default_setting_a_real_connection_offers_and_binds_loopback_only(aioice_restored):
    before = set(udp_sockets())
    assert keep_media_on(load_config({}).media_addresses) == ("127.0.0.1",)
    seen = asyncio.run(_connect_two_peers())
    assert seen["states"] == ("connected", "connected")                 # loopback is enough on this computer
    opened = [s for s in seen["sockets"] if s not in before]
    assert seen["offered"] and set(seen["offered"]) == {"127.0.0.1"}
    assert opened and not outside_loopback(opened), opened


def test_without_it_aioice_offers_and_binds_this_computers_outside_addresses():
    """The control: what the test above guards against, on this machine. Skipped on a machine with no address
    but loopback (nothing could leak there)."""
    outside = [a for a in machine_addresses() if not ipaddress.ip_address(a).is_loopback
               and not ipaddress.ip_address(a).is_link_local]
    if not outside:
        pytest.skip("this machine has only loopback addresses")
    assert aioice.ice.get_host_addresses.__module__ == "aioice.ice"           # aioice as it comes
    before = set(udp_sockets())
    seen = asyncio.run(_connect_two_peers())
    opened = [s for s in seen["sockets"] if s not in before]
    assert set(seen["offered"]) & set(outside)
    assert outside_loopback(opened)


def test_a_remote_mdns_name_is_not_looked_up_so_no_socket_listens_on_every_address(aioice_restored):
    keep_media_on(LOOPBACK)

    async def offer_an_mdns_candidate():
        connection = aioice.Connection(ice_controlling=True)
        await connection.gather_candidates()
        await connection.add_remote_candidate(aioice.Candidate(
            foundation="1", component=1, transport="udp", priority=1, host="0a1b2c3d-aaaa-bbbb.local",
            port=9, type="host"))
        sockets, remote = udp_sockets(), connection.remote_candidates
        await connection.close()
        return sockets, remote

    before = set(udp_sockets())
    sockets, remote = asyncio.run(offer_an_mdns_candidate())
    opened = [s for s in sockets if s not in before]
    assert remote == []                                                 # left out, unresolved
    assert opened and all(address == "127.0.0.1" for address, _ in opened), opened   # the host candidate only
