"""Printable QR cards and posters, under /c/<congress_slug>/print/."""

app_name = "print"

urlpatterns: list = []
