"""Search: full-text product search on Elasticsearch with popularity re-ranking (numpy).

Indexing runs on its own Celery queue (``search-indexing``) and worker deployment.
"""
