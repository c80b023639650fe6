"""`gloss codebook check` of codebooks of 1,000 to 10,000 codes, against `tomllib.loads` of
the same text (the floor: parsing alone).

Checking used to look every table up from the top of the file, so 5,000 codes took half
a minute; it should now grow with the codebook, as the parse does. The figure to read is
the ratio in the last column: flat when the check is linear.
"""

from __future__ import annotations

import statistics
import sys
import time
import tomllib

from annotations.codebook import Codebook

SIZES = (1_000, 5_000, 10_000)


def codebook_text(codes: int) -> str:
    """A codebook of one group and `codes` codes, each with its own one-character key."""
    lines = ['name = "big"', "", "[[groups]]", 'id = "g"', 'label = "G"', ""]
    for index in range(codes):
        lines += [
            "[[codes]]",
            f'id = "g/c{index}"',
            f'label = "code {index}"',
            f'key = "{chr(0x4E00 + index)}"',  # CJK ideographs: 20,000 distinct keys
            'color = "#112233"',
            f'description = "the {index}th code"',
            "",
        ]
    return "\n".join(lines)


def median_seconds(action, rounds: int = 5) -> float:
    samples = []
    for _ in range(rounds):
        started = time.process_time()
        action()
        samples.append(time.process_time() - started)
    return statistics.median(samples)


def main() -> int:
    print("| codes | tomllib.loads (CPU ms) | Codebook.from_toml (CPU ms) | ÷ parse |")
    print("|---:|---:|---:|---:|")
    for size in SIZES:
        text = codebook_text(size)
        parse = median_seconds(lambda text=text: tomllib.loads(text))
        check = median_seconds(lambda text=text: Codebook.from_toml(text))
        print(f"| {size:,} | {parse * 1000:.1f} | {check * 1000:.1f} | {check / parse:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
