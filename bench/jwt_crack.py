"""How fast the offline JWT key crack is: the whole wordlist against HS256/384/512 tokens.

    python bench/jwt_crack.py

The floor, measured in the same run, is hashing the same number of keys with a bare one-shot
``hmac.digest`` loop (no comparison, no decoding): the ratio says what the crack adds to the cost
no HMAC crack can avoid. A token whose key is the list's last entry is the worst case.
"""

from __future__ import annotations

import hmac
import time

from assay.agents.analysis.security.attacks import jwt


def _best(run: object, repeat: int = 3) -> float:
    assert callable(run)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    start = time.perf_counter()
    words = jwt.wordlist()
    load = time.perf_counter() - start
    last = words[-1].decode()
    print(f"wordlist: {len(words):,} keys, first load {load * 1000:.1f} ms")
    for alg, name in (("HS256", "sha256"), ("HS384", "sha384"), ("HS512", "sha512")):
        token = jwt.parse_jwt(jwt.encode({"alg": alg, "typ": "JWT"}, {"sub": "bench"}, last))
        assert token is not None
        message = token.signing_input.encode()

        def floor(message: bytes = message, name: str = name) -> None:
            for key in words:
                hmac.digest(key, message, name)

        def crack(token: jwt.Jwt = token) -> None:
            assert jwt.crack(token) == last

        base, took = _best(floor), _best(crack)
        print(
            f"{alg}: crack {took * 1000:.1f} ms (worst case), "
            f"floor {base * 1000:.1f} ms, ratio {took / base:.2f}"
        )


if __name__ == "__main__":
    main()
