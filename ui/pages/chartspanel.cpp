#include "chartspanel.h"

#include "session/incidentssession.h"
#include "theme.h"

#include <QGridLayout>
#include <QLabel>
#include <QScrollArea>
#include <QTimeZone>

#ifdef TT_HAVE_CHARTS
#include <QBarCategoryAxis>
#include <QHorizontalBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QDateTimeAxis>
#include <QLineSeries>
#include <QPen>
#include <QValueAxis>
#endif

namespace tt::ui {

struct ChartsPanel::Private
{
#ifdef TT_HAVE_CHARTS
    QChartView *week = nullptr;
    QChartView *category = nullptr;
    QChartView *classes = nullptr;
    QScrollArea *categoryScroll = nullptr;
    QScrollArea *classScroll = nullptr;
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
    // A bar chart is as tall as its bars need for every label to show (Qt hides the labels of a category axis
    // that do not fit); when that is taller than the panel, it scrolls.
    auto scroll = [this](QChartView *v, const QString &name) {
        auto *area = new QScrollArea(this);
        area->setObjectName(name);
        area->setWidget(v);
        area->setWidgetResizable(true);
        area->setFrameShape(QFrame::NoFrame);
        area->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
        return area;
    };
    d->categoryScroll = scroll(d->category, QStringLiteral("categoryChartScroll"));
    d->classScroll = scroll(d->classes, QStringLiteral("classChartScroll"));
    layout->addWidget(d->week, 0, 0, 1, 2);
    layout->addWidget(d->categoryScroll, 1, 0);
    layout->addWidget(d->classScroll, 1, 1);
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
// The chart in the palette's colours (Qt Charts' own theme is light whatever the desktop's).
void applyPalette(QChart *chart, const QPalette &p)
{
    chart->setBackgroundBrush(p.brush(QPalette::Base));
    chart->setBackgroundPen(QPen(p.color(QPalette::Mid)));
    chart->setTitleBrush(p.brush(QPalette::Text));
    for (QAbstractAxis *axis : chart->axes()) {
        axis->setLabelsBrush(p.brush(QPalette::Text));
        axis->setTitleBrush(p.brush(QPalette::Text));
        axis->setLinePenColor(p.color(QPalette::Mid));
        axis->setGridLineColor(p.color(QPalette::Mid));
    }
}

QChart *barChart(const QString &title, const QMap<QString, int> &values, const QString &emptyName, int limit,
                 const QPalette &palette)
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
    // the value is written inside the end of its bar: the palette's highlighted text on its highlight
    set->setColor(palette.color(QPalette::Highlight));
    set->setBorderColor(palette.color(QPalette::Highlight));
    const QColor bar = palette.color(QPalette::Highlight);
    const QColor onBar = palette.color(QPalette::HighlightedText), text = palette.color(QPalette::Text);
    set->setLabelColor(theme::contrastRatio(onBar, bar) >= theme::contrastRatio(text, bar) ? onBar : text);
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
    applyPalette(chart, palette);
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
    line->setColor(palette().color(QPalette::Highlight));
    applyPalette(week, palette());
    auto replace = [](QChartView *v, QChart *c) {
        QChart *old = v->chart();
        v->setChart(c);
        delete old;
    };
    replace(d->week, week);
    // Every category and class, up to MaxBars (the busiest), each bar with its label.
    constexpr int MaxBars = 40;
    const int rowHeight = QFontMetrics(d->category->font()).height() + 8;
    auto bars = [&](QChartView *v, const QString &title, const QString &titleCapped, const QMap<QString, int> &values,
                    const QString &emptyName) {
        const int shown = int(qMin<qsizetype>(values.size(), MaxBars));
        replace(v, barChart(values.size() > MaxBars ? titleCapped.arg(MaxBars) : title, values, emptyName, MaxBars, palette()));
        v->setMinimumHeight(qMax(180, shown * rowHeight + 110)); // the title and the value axis take about 110
    };
    bars(d->category, tr("Logs per category"), tr("Logs per category (the %1 most frequent)"), stats.perCategory, tr("(none)"));
    bars(d->classes, tr("Logs per class"), tr("Logs per class (the %1 busiest)"), stats.perClass, tr("(no class)"));
#else
    d->text->setText(tr("%L1 logs in %2 weeks, %3 categories, %4 classes.")
                         .arg(stats.total)
                         .arg(stats.perWeek.size())
                         .arg(stats.perCategory.size())
                         .arg(stats.perClass.size()));
#endif
}

} // namespace tt::ui
