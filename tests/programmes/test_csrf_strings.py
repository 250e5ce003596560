"""Django's CSRF secrets and masks come from one read of the random source
(``programmes.csrf_strings``), with what Django's gave: 32 characters of its
alphabet, uniform, a new one each time; tokens still unmask to the secret."""

from __future__ import annotations

from collections import Counter

from django.middleware import csrf

from programmes.csrf_strings import csrf_string


def test_django_draws_its_csrf_strings_through_ours():
    assert csrf._get_new_csrf_string is csrf_string


def test_the_strings_are_djangos_alphabet_uniform_and_new_each_time():
    strings = [csrf_string() for _ in range(4000)]
    assert len(set(strings)) == len(strings)
    assert {len(text) for text in strings} == {csrf.CSRF_SECRET_LENGTH}
    counts = Counter("".join(strings))
    assert set(counts) == set(csrf.CSRF_ALLOWED_CHARS)
    # 128,000 characters over 62: about 2,065 each (standard deviation about 45).
    expected = 4000 * 32 / 62
    assert all(abs(count - expected) < 300 for count in counts.values())


def test_a_masked_token_unmasks_to_its_secret():
    secret = csrf_string()
    token = csrf._mask_cipher_secret(secret)
    assert len(token) == csrf.CSRF_TOKEN_LENGTH
    assert csrf._unmask_cipher_token(token) == secret
    assert csrf._mask_cipher_secret(secret) != token
