from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request):
    """For a load balancer or monitor: 200 when the database answers and every
    migration is applied, else 503 with a short reason (never an error's text,
    which could name a host or a user)."""
    try:
        executor = MigrationExecutor(connection)
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return JsonResponse({"status": "error", "reason": "database unreachable"}, status=503)
    if unapplied:
        return JsonResponse({"status": "error", "reason": "migrations not applied"}, status=503)
    return JsonResponse({"status": "ok"})
