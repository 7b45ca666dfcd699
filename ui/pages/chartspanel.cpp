#include "chartspanel.h"

#include "session/incidentssession.h"

#include <QGridLayout>
#include <QLabel>
#include <QTimeZone>

#ifdef TT_HAVE_CHARTS
#include <QBarCategoryAxis>
#include <QHorizontalBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QDateTimeAxis>
#include <QLineSeries>
#include <QValueAxis>
#endif

namespace tt::ui {

struct ChartsPanel::Private
{
#ifdef TT_HAVE_CHARTS
    QChartView *week = nullptr;
    QChartView *category = nullptr;
    QChartView *classes = nullptr;
#else
    QLabel *text = nullptr;
#endif
};

ChartsPanel::~ChartsPanel() = default;

ChartsPanel::ChartsPanel(QWidget *parent) : QWidget(parent), d(std::make_unique<Private>())
{
    auto *layout = new QGridLayout(this);
#ifdef TT_HAVE_CHARTS
    auto make = [this](const QString &name, const QString &accessible) {
        auto *v = new QChartView(this);
        v->setObjectName(name);
        v->setAccessibleName(accessible);
        v->setRenderHint(QPainter::Antialiasing);
        v->setMinimumHeight(180);
        return v;
    };
    d->week = make(QStringLiteral("weekChart"), tr("Logs per week"));
    d->category = make(QStringLiteral("categoryChart"), tr("Logs per category"));
    d->classes = make(QStringLiteral("classChart"), tr("Logs per class"));
    layout->addWidget(d->week, 0, 0, 1, 2);
    layout->addWidget(d->category, 1, 0);
    layout->addWidget(d->classes, 1, 1);
    layout->setRowStretch(0, 2);
    layout->setRowStretch(1, 3);
#else
    d->text = new QLabel(this);
    d->text->setWordWrap(true);
    layout->addWidget(d->text, 0, 0);
#endif
}

#ifdef TT_HAVE_CHARTS
namespace {
QChart *barChart(const QString &title, const QMap<QString, int> &values, const QString &emptyName, int limit)
{
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->legend()->hide();
    auto *set = new QBarSet(title);
    // the largest `limit`, the largest on top
    QList<QPair<int, QString>> sorted;
    for (auto it = values.cbegin(); it != values.cend(); ++it)
        sorted.append({it.value(), it.key()});
    std::sort(sorted.begin(), sorted.end(), [](const auto &a, const auto &b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
    if (sorted.size() > limit)
        sorted.resize(limit);
    std::reverse(sorted.begin(), sorted.end());
    QStringList names;
    int maxV = 0;
    for (const auto &[count, name] : sorted) {
        *set << count;
        names << (name.isEmpty() ? emptyName : name);
        maxV = qMax(maxV, count);
    }
    set->setLabelColor(Qt::black);
    auto *series = new QHorizontalBarSeries;
    series->append(set);
    series->setLabelsVisible(true);
    series->setLabelsPosition(QAbstractBarSeries::LabelsInsideEnd);
    chart->addSeries(series);
    auto *y = new QBarCategoryAxis;
    y->setTruncateLabels(false);
    y->append(names);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(y);
    auto *x = new QValueAxis;
    x->setRange(0, qMax(1, maxV));
    x->setLabelFormat(QStringLiteral("%d"));
    chart->addAxis(x, Qt::AlignBottom);
    series->attachAxis(x);
    return chart;
}
} // namespace
#endif

void ChartsPanel::setStats(const IncidentStats &stats)
{
#ifdef TT_HAVE_CHARTS
    auto *week = new QChart;
    week->setTitle(tr("Logs per week"));
    week->legend()->hide();
    auto *line = new QLineSeries;
    int maxV = 0;
    for (auto it = stats.perWeek.cbegin(); it != stats.perWeek.cend(); ++it) {
        line->append(double(it.key().startOfDay(QTimeZone::utc()).toMSecsSinceEpoch()), it.value());
        maxV = qMax(maxV, it.value());
    }
    week->addSeries(line);
    auto *x = new QDateTimeAxis;
    x->setFormat(QStringLiteral("d MMM yy"));
    if (!stats.perWeek.isEmpty())
        x->setRange(stats.perWeek.firstKey().startOfDay(QTimeZone::utc()), stats.perWeek.lastKey().addDays(6).startOfDay(QTimeZone::utc()));
    week->addAxis(x, Qt::AlignBottom);
    line->attachAxis(x);
    auto *y = new QValueAxis;
    y->setRange(0, qMax(1, maxV));
    y->setLabelFormat(QStringLiteral("%d"));
    week->addAxis(y, Qt::AlignLeft);
    line->attachAxis(y);
    auto replace = [](QChartView *v, QChart *c) {
        QChart *old = v->chart();
        v->setChart(c);
        delete old;
    };
    replace(d->week, week);
    replace(d->category, barChart(tr("Logs per category"), stats.perCategory, tr("(none)"), 12));
    replace(d->classes, barChart(tr("Logs per class (the 12 busiest)"), stats.perClass, tr("(no class)"), 12));
#else
    d->text->setText(tr("%L1 logs in %2 weeks, %3 categories, %4 classes.")
                         .arg(stats.total)
                         .arg(stats.perWeek.size())
                         .arg(stats.perCategory.size())
                         .arg(stats.perClass.size()));
#endif
}

} // namespace tt::ui
