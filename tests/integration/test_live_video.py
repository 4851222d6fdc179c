"""The therapist's moving video: the visit's PictureTrack, fed by the live stream, read as aiortc reads it.

No browser here: ``recv`` is awaited as aiortc's sender (through streamlit-webrtc's MediaRelay) awaits it.
The real connection to a browser is in tests/e2e/test_live_browser.py.
"""

import asyncio
import threading
import time
from fractions import Fraction

import numpy as np
import pytest

aiortc = pytest.importorskip("aiortc")

from aiortc.contrib.media import MediaRelay  # noqa: E402
from aiortc.mediastreams import MediaStreamError  # noqa: E402

from movement_check.live.stream import LiveStream  # noqa: E402
from movement_check.live.video_track import VIDEO_CLOCK, PictureTrack  # noqa: E402
from movement_check.live.visits import VisitBook  # noqa: E402

from tests.fixtures.live_stubs import KnownPeople, grey_frame  # noqa: E402
from tests.fixtures.walker import Script, walk  # noqa: E402


def picture(level: int, size=(64, 48)) -> np.ndarray:
    return grey_frame(size, level)


def test_each_picture_goes_out_once_and_a_newer_one_replaces_one_not_yet_sent():
    clock = iter([10.0, 10.1, 10.2, 10.3, 10.4, 10.5, 10.6]).__next__
    track = PictureTrack(clock=clock)

    async def run():
        track.show(picture(10))                                  # at 10.0
        first = await track.recv()
        track.show(picture(20))                                  # at 10.2: never sent, replaced by
        track.show(picture(30))                                  # 10.3
        second = await track.recv()
        return first, second

    first, second = asyncio.run(run())
    assert first.to_ndarray(format="bgr24")[0, 0, 0] == 10
    assert second.to_ndarray(format="bgr24")[0, 0, 0] == 30
    assert first.time_base == second.time_base == Fraction(1, VIDEO_CLOCK)
    assert first.pts == 0 and second.pts == round(0.3 * VIDEO_CLOCK)            # paced as they were drawn
    assert track.sent == 2


def test_recv_waits_for_the_next_picture_from_another_thread_and_stop_ends_it():
    track = PictureTrack()

    async def run():
        threading.Timer(0.1, track.show, args=(picture(50),)).start()
        start = time.monotonic()
        frame = await asyncio.wait_for(track.recv(), timeout=5)
        waited = time.monotonic() - start
        threading.Timer(0.1, track.stop).start()
        with pytest.raises(MediaStreamError):
            await asyncio.wait_for(track.recv(), timeout=5)     # the waiting recv is woken, and ends
        return frame, waited

    frame, waited = asyncio.run(run())
    assert frame.width == 64 and 0.05 < waited < 2.0
    assert track.sent_within(5.0) and not PictureTrack().sent_within(5.0)


def test_two_viewers_through_the_relay_get_the_same_pictures():
    track = PictureTrack()

    async def run():
        relay = MediaRelay()
        a, b = relay.subscribe(track), relay.subscribe(track)
        got = []
        for level in (40, 80):
            waiting = asyncio.gather(a.recv(), b.recv())
            await asyncio.sleep(0.01)
            track.show(picture(level))
            got.append([f.to_ndarray(format="bgr24")[0, 0, 0] for f in await asyncio.wait_for(waiting, 5)])
        a.stop()
        b.stop()
        track.stop()
        return got

    assert asyncio.run(run()) == [[40, 40], [80, 80]]


def test_the_visits_track_carries_the_live_streams_pictures_skeleton_drawn_and_ends_with_the_visit():
    poses, _ = walk(Script(segments=[("walk", 1.0)]))
    model = KnownPeople(poses)
    book = VisitBook(stream_factory=lambda m: LiveStream(m, estimator_factory=lambda: model))
    visit = book.create("jdoe")
    track = visit.video_track()
    assert visit.video_track() is track                              # one per visit
    out = visit.stream.receive([(float(poses.times[0]), grey_frame(poses.frame_size))])

    async def take():
        return await asyncio.wait_for(track.recv(), timeout=5)

    frame = asyncio.run(take())
    assert np.array_equal(frame.to_ndarray(format="bgr24"), out)    # the picture with the skeleton, full size
    assert (out != 128).any()
    book.end(visit)
    assert track.readyState == "ended"
    with pytest.raises(MediaStreamError):
        asyncio.run(take())
