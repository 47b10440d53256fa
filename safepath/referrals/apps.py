from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "safepath.referrals"
    label = "referrals"
    verbose_name = "Referrals"
