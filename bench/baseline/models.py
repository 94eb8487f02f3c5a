from django.db import models


class Row(models.Model):
    title = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "baseline"
        db_table = "bench_baseline_row"

    def __str__(self) -> str:
        return self.title
