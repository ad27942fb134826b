"""A stored page, gzipped once, with each reader's CSRF token joined in on
every hit.

A page from the page cache is the same for every reader but for the CSRF
token in its forms. Compressing the whole page again for each reader would
cost more than serving it; so the parts around the token are deflated once,
each on its own, ending on a byte boundary and referring to nothing before
it (what pigz does to compress in parallel). Joined with the token in a
stored (uncompressed) block between them, they make one valid deflate stream,
wrapped here in a gzip member. The token is never compressed, so the
compressed size says nothing about it (BREACH); Django masks it per response
as well.
"""

import struct
import zlib
from dataclasses import dataclass

from django.middleware.gzip import re_accepts_gzip

# A gzip member's header: deflate, no name, no time, unknown system.
HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
LEVEL = 6


def accepts_gzip(request) -> bool:
    """Read as Django's GZipMiddleware reads it ("gzip, deflate, br, zstd")."""
    return bool(re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def _deflated(data: bytes) -> bytes:
    """Raw deflate blocks for `data` that can sit between other such blocks."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


def _stored(data: bytes) -> bytes:
    """`data` as one stored (uncompressed) deflate block: a header byte (not
    last, type 0) and the length and its complement. Cheaper than a
    compressor, and the token is not compressed at all."""
    return b"\x00" + struct.pack("<HH", len(data), len(data) ^ 0xFFFF) + data


# The stream's final block: empty, marked last.
_LAST_BLOCK = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS).flush(zlib.Z_FINISH)


@dataclass(frozen=True, slots=True)
class Gzipped:
    parts: tuple[bytes, ...]  # the page's bytes between the tokens, each deflated
    first_crc: int  # the CRC-32 of the first part (the rest is summed on each hit)

    @classmethod
    def of(cls, parts: tuple[bytes, ...]) -> "Gzipped":
        return cls(parts=tuple(_deflated(part) for part in parts), first_crc=zlib.crc32(parts[0]))

    def with_token(self, token: bytes, raw_parts: tuple[bytes, ...]) -> bytes:
        """The whole page (`raw_parts`, as stored) gzipped, `token` between its parts."""
        pieces = [HEADER, self.parts[0]]
        crc, size = self.first_crc, len(raw_parts[0])
        stored_token = _stored(token) if len(raw_parts) > 1 else b""
        for raw, part in zip(raw_parts[1:], self.parts[1:], strict=True):
            pieces += [stored_token, part]
            crc = zlib.crc32(raw, zlib.crc32(token, crc))
            size += len(token) + len(raw)
        pieces += [_LAST_BLOCK, struct.pack("<II", crc, size & 0xFFFFFFFF)]
        return b"".join(pieces)
