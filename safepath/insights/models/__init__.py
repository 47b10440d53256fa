"""Models of the insights app, one module per part."""

from safepath.insights.models.releases import StatisticsRelease as StatisticsRelease
