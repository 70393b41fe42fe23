"""Chinese word segmentation (jieba), loaded on first use: its dictionary takes a second to load."""

from functools import lru_cache


@lru_cache(maxsize=1)
def jieba():
    import jieba as loaded

    loaded.setLogLevel(60)
    return loaded
