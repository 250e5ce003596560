"""Field data entry: monitoring visits and their review."""

app_name = "beneficiaries"

urlpatterns: list = []
