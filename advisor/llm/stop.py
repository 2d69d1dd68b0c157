"""A stop request that llama.cpp itself can see, so Esc or Ctrl-C ends generation at once.

Between generated tokens the chat model checks its interrupt event, but evaluating a prompt
(several hundred new tokens per turn, ~65 tok/s here) is one long llama.cpp call that no
Python check reaches. llama.cpp polls an abort callback between the nodes of its compute
graph; a Python callback there would need the GIL hundreds of times per token, and the
Textual UI thread holds it while it renders. So the callback is C's `strlen` over a two-byte
buffer owned by this event: "" reads as 0 (go on), "1" as 1 (abort), and no Python runs.
"""

from __future__ import annotations

import ctypes
import sys
import threading


def _strlen_address() -> int:
    """Where C's strlen is: in the process itself on Linux and macOS, in the C runtime DLL on Windows."""
    libc = ctypes.cdll.msvcrt if sys.platform == "win32" else ctypes.CDLL(None)
    address = ctypes.cast(libc.strlen, ctypes.c_void_p).value
    assert address is not None
    return address


STRLEN_ADDRESS = _strlen_address()


class StopSignal(threading.Event):
    """A threading.Event whose state is also a byte that C code can read without the GIL."""

    def __init__(self) -> None:
        super().__init__()
        self.flag = ctypes.create_string_buffer(2)  # b"\0\0": not stopped

    def set(self) -> None:
        self.flag[0] = b"1"
        super().set()

    def clear(self) -> None:
        super().clear()
        self.flag[0] = b"\0"

    @property
    def address(self) -> int:
        return ctypes.addressof(self.flag)
