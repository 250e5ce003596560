"""The Redis cache backend of ``settings.CACHES``: Django's, with one redis-py
client per connection pool instead of one per call.

Django's ``RedisCacheClient`` builds a ``redis.Redis`` for every get and set;
the client's constructor fills its table of response callbacks each time,
which cost about as much CPU as the call itself on a page kept whole
(``programmes.kept_pages``). A client only holds its pool and those tables,
and is safe to share between threads (each command takes a connection from
the pool), so one per pool is kept."""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
