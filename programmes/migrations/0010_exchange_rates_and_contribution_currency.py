"""Contributions as donors give them: in their own currency, with the US$
amount at a dated rate (``ExchangeRate``). Every contribution stored before
was entered in US dollars: it becomes a USD contribution at rate 1, its
amount its US$ amount (the history rows too)."""

import django.core.validators
import django.db.models.deletion
import django.db.models.expressions
import django.db.models.functions.math
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('programmes', '0009_project_district_in_governorate'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ExchangeRate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('currency', models.CharField(max_length=3, validators=[django.core.validators.RegexValidator('^[A-Z]{3}$', 'Enter a currency as its three-letter ISO code, e.g. EUR.')], verbose_name='currency')),
                ('valid_from', models.DateField(verbose_name='valid from')),
                ('usd_per_unit', models.DecimalField(decimal_places=8, max_digits=18, verbose_name='US$ per unit')),
            ],
            options={
                'verbose_name': 'exchange rate',
                'verbose_name_plural': 'exchange rates',
                'ordering': ['currency', '-valid_from'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalExchangeRate',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('currency', models.CharField(max_length=3, validators=[django.core.validators.RegexValidator('^[A-Z]{3}$', 'Enter a currency as its three-letter ISO code, e.g. EUR.')], verbose_name='currency')),
                ('valid_from', models.DateField(verbose_name='valid from')),
                ('usd_per_unit', models.DecimalField(decimal_places=8, max_digits=18, verbose_name='US$ per unit')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical exchange rate',
                'verbose_name_plural': 'historical exchange rates',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name='contribution',
            name='amount',
            field=models.DecimalField(decimal_places=2, max_digits=14, null=True, verbose_name='amount (in its currency)'),
        ),
        migrations.AddField(
            model_name='contribution',
            name='currency',
            field=models.CharField(default='USD', max_length=3, validators=[django.core.validators.RegexValidator('^[A-Z]{3}$', 'Enter a currency as its three-letter ISO code, e.g. EUR.')], verbose_name='currency'),
        ),
        migrations.AddField(
            model_name='contribution',
            name='usd_rate',
            field=models.DecimalField(decimal_places=8, default=1, editable=False, max_digits=18, verbose_name='US$ per unit'),
        ),
        migrations.AddField(
            model_name='historicalcontribution',
            name='amount',
            field=models.DecimalField(decimal_places=2, max_digits=14, null=True, verbose_name='amount (in its currency)'),
        ),
        migrations.AddField(
            model_name='historicalcontribution',
            name='currency',
            field=models.CharField(default='USD', max_length=3, validators=[django.core.validators.RegexValidator('^[A-Z]{3}$', 'Enter a currency as its three-letter ISO code, e.g. EUR.')], verbose_name='currency'),
        ),
        migrations.AddField(
            model_name='historicalcontribution',
            name='usd_rate',
            field=models.DecimalField(decimal_places=8, default=1, editable=False, max_digits=18, verbose_name='US$ per unit'),
        ),
        migrations.RunSQL(
            [
                "UPDATE programmes_contribution SET amount = amount_usd",
                "UPDATE programmes_historicalcontribution SET amount = amount_usd",
            ],
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name='contribution',
            name='amount',
            field=models.DecimalField(decimal_places=2, max_digits=14, verbose_name='amount (in its currency)'),
        ),
        migrations.AlterField(
            model_name='historicalcontribution',
            name='amount',
            field=models.DecimalField(decimal_places=2, max_digits=14, verbose_name='amount (in its currency)'),
        ),
        migrations.AlterField(
            model_name='contribution',
            name='amount_usd',
            field=models.DecimalField(decimal_places=2, editable=False, max_digits=14, verbose_name='amount (US$)'),
        ),
        migrations.AlterField(
            model_name='historicalcontribution',
            name='amount_usd',
            field=models.DecimalField(decimal_places=2, editable=False, max_digits=14, verbose_name='amount (US$)'),
        ),
        migrations.AddConstraint(
            model_name='contribution',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='contribution_amount_given_positive'),
        ),
        migrations.AddConstraint(
            model_name='contribution',
            constraint=models.CheckConstraint(condition=models.Q(('amount_usd', django.db.models.functions.math.Round(django.db.models.expressions.CombinedExpression(models.F('amount'), '*', models.F('usd_rate')), 2)), models.Q(models.Q(('currency', 'USD'), _negated=True), ('usd_rate', 1), _connector='OR')), name='contribution_amount_usd_at_rate', violation_error_message='The US$ amount must be the amount at the rate of its date.'),
        ),
        migrations.AddConstraint(
            model_name='exchangerate',
            constraint=models.UniqueConstraint(fields=('currency', 'valid_from'), name='exchange_rate_one_per_currency_and_day'),
        ),
        migrations.AddConstraint(
            model_name='exchangerate',
            constraint=models.CheckConstraint(condition=models.Q(('usd_per_unit__gt', 0)), name='exchange_rate_positive'),
        ),
        migrations.AddConstraint(
            model_name='exchangerate',
            constraint=models.CheckConstraint(condition=models.Q(('currency__regex', '^[A-Z]{3}$'), models.Q(('currency', 'USD'), _negated=True)), name='exchange_rate_currency_iso_not_usd', violation_error_message='A rate is for a currency other than USD, as its three-letter ISO code.'),
        ),
        migrations.AddField(
            model_name='historicalexchangerate',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
    ]
