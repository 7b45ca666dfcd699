// bench_incidents [--rows N] [--runs K]: the incident list's filter and sort over N generated logs (default
// 1,000,000), as the Incidents step runs them (IncidentsSession, on its worker thread). Prints the median of K
// runs (default 5) of each beside the 100 ms target (issue #14), the first ("cold") run of each sort column,
// which builds that column's order once, and the longest the event loop (the GUI thread) was held while a
// filter ran. Not a test: run it by hand from a Release (or RelWithDebInfo) build.
#include "fixturegenerator.h"
#include "session/incidentssession.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimeZone>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <functional>

using namespace Qt::StringLiterals;
using namespace tt;
using namespace tt::test;

namespace {

constexpr double TargetMs = 100;

double msOf(const std::function<void()> &f)
{
    QElapsedTimer t;
    t.start();
    f();
    return double(t.nsecsElapsed()) / 1e6;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

void print(const char *what, double ms, qint64 matches)
{
    std::printf("%-44s %9.1f ms  %s  (%lld rows)\n", what, ms, ms < TargetMs ? "< 100 ms target: ok" : ">= 100 ms target: SLOW",
                static_cast<long long>(matches));
}

// One filter started as the GUI starts it (start(), not apply()): the longest gap between ticks of a 5 ms
// timer on this thread until filterChanged, i.e. the longest freeze a user would feel.
double longestStall(IncidentsSession &s)
{
    QEventLoop loop;
    QElapsedTimer clock;
    qint64 last = 0, worst = 0;
    QTimer tick;
    tick.setInterval(5);
    QObject::connect(&tick, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        worst = std::max(worst, now - last);
        last = now;
    });
    auto done = QObject::connect(&s, &IncidentsSession::filterChanged, &loop, &QEventLoop::quit);
    clock.start();
    tick.start();
    s.start();
    loop.exec();
    worst = std::max(worst, clock.nsecsElapsed() - last);
    QObject::disconnect(done);
    return double(worst) / 1e6;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    qint64 rows = 1000000;
    int runs = 5;
    const QStringList args = app.arguments();
    if (const qsizetype at = args.indexOf(u"--rows"_s); at >= 0 && at + 1 < args.size())
        rows = args.at(at + 1).toLongLong();
    if (const qsizetype at = args.indexOf(u"--runs"_s); at >= 0 && at + 1 < args.size())
        runs = qMax(1, args.at(at + 1).toInt());
    SchoolSpec spec;
    spec.seed = 20251202;
    spec.logs = rows;
    spec.classes = 40;
    spec.studentsPerClass = 25;
    auto records = std::make_shared<const std::vector<IncidentRecord>>(generateSchool(spec).logs);
    qint64 chars = 0;
    for (const IncidentRecord &r : *records)
        chars += r.note.size() + r.studentName.size() + r.teacherEmail.size() + r.category.size() + r.location.size()
               + r.actionTaken.size() + 6;
    std::printf("%lld generated logs, %.0f MB of searchable text, %d runs each (median)\n",
                static_cast<long long>(records->size()), double(chars) / 1e6, runs);

    {
        // what the text search keeps besides the records: the folded notes and the ids of the other fields
        const IncidentIndex index(records, std::vector<qint32>(records->size(), 0));
        const IncidentIndex::Folded &f = index.folded();
        const IncidentIndex::Ids &ids = index.ids();
        const double idBytes = 8.0 * 4 * double(ids.category.size());
        std::printf("%-44s %9.0f MB  (folded notes %.0f MB, their offsets %.0f MB, 8 id columns %.0f MB)\n",
                    "text index memory", (double(f.bytes.size()) + 8.0 * double(f.offsets.size()) + idBytes) / 1e6,
                    double(f.bytes.size()) / 1e6, 8.0 * double(f.offsets.size()) / 1e6, idBytes / 1e6);
    }
    IncidentsSession s;
    s.setDebounceMs(0);
    std::printf("%-44s %9.1f ms\n", "load: on the GUI thread (loadRecords)", msOf([&] { s.loadRecords(records, QTimeZone::utc()); }));
    std::printf("%-44s %9.1f ms\n", "load: until indexed and filtered (worker)", msOf([&] { s.waitForFinished(); }));

    const QString someClass = records->front().classCode, someCategory = records->front().category;
    struct Filter
    {
        const char *name;
        std::function<void()> set;
    };
    const std::vector<Filter> filters = {
        {"filter: text \"the\" (cold: folds the text once)", [&] { s.clear(); s.setText(u"the"_s); }},
        {"filter: text \"the\"", [&] { s.clear(); s.setText(u"the"_s); }},
        {"filter: text \"zzq\" (no match)", [&] { s.clear(); s.setText(u"zzq"_s); }},
        {"filter: category", [&] { s.clear(); s.setCategory(someCategory); }},
        {"filter: class + incidents only", [&] { s.clear(); s.setClassCode(someClass); s.setType(0); }},
        {"filter: none (clear)", [&] { s.clear(); }},
    };
    for (size_t k = 0; k < filters.size(); ++k) {
        std::vector<double> times;
        for (int r = 0; r < (k == 0 ? 1 : runs); ++r) {
            s.setText(u"-"_s); // something else first, so each run really refilters
            s.apply();
            filters[k].set();
            times.push_back(msOf([&] { s.apply(); }));
        }
        print(filters[k].name, median(times), s.matches());
    }
    s.clear();
    s.apply();
    static const char *const columns[] = {"time", "type", "student", "student id", "class", "teacher", "level",
                                          "category", "location", "action", "note"};
    for (int c = 0; c < int(IncidentColumn::Count); ++c) {
        const double cold = msOf([&] { s.setSort(c, Qt::AscendingOrder); s.waitForFinished(); });
        std::vector<double> times;
        for (int r = 0; r < runs; ++r) {
            times.push_back(msOf([&] { s.setSort(c, Qt::DescendingOrder); s.waitForFinished(); }));
            times.push_back(msOf([&] { s.setSort(c, Qt::AscendingOrder); s.waitForFinished(); }));
        }
        char name[80];
        std::snprintf(name, sizeof name, "sort by %s (first time: %.0f ms)", columns[c], cold);
        print(name, median(times), qint64(s.shownRows()->size()));
    }
    { // the text filters above may have shared the cores with the orders being built after the load
        std::vector<double> times;
        for (int r = 0; r < runs; ++r) {
            s.clear();
            s.apply();
            s.setText(u"the"_s);
            times.push_back(msOf([&] { s.apply(); }));
        }
        print("filter: text \"the\" (every order built)", median(times), s.matches());
    }
    s.setText(u"the"_s);
    std::printf("%-44s %9.1f ms\n", "longest GUI-thread stall during a text filter", longestStall(s));
    return 0;
}
