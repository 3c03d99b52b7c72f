"""The time a parse may take: a moment on the monotonic clock, checked by the stages as they go."""
from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from .document import ParseTimeout

Item = TypeVar("Item")
# How many lines a stage handles between two looks at the clock (a look costs about 50 ns).
CHECK_EVERY = 256


@dataclass(frozen=True)
class Deadline:
    """Reading and parsing must be done by `at` (time.monotonic()); `seconds` is the limit it was set from,
    for the message."""

    at: float
    seconds: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.monotonic() + seconds, seconds)

    def check(self) -> None:
        """Raise ParseTimeout once the moment has passed."""
        if time.monotonic() > self.at:
            raise ParseTimeout(f"Parsing took longer than the {self.seconds:g} s limit.")

    def ticking(self, items: Iterable[Item]) -> Iterator[Item]:
        """`items`, with a look at the clock every CHECK_EVERY of them."""
        for count, item in enumerate(items):
            if not count % CHECK_EVERY:
                self.check()
            yield item


NO_DEADLINE = Deadline(float("inf"), float("inf"))
