// bench_roster [--records N]: times RosterBuilder::build() over N synthetic accepted records (default 1,000,000).
// Not a test: run it by hand from a Release build.
#include "roster/rosterbuilder.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QStringList>
#include <cstdio>
#include <random>
#include <sys/resource.h>

using namespace Qt::StringLiterals;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    qint64 count = 1000000;
    const QStringList args = app.arguments();
    const qsizetype at = args.indexOf(u"--records"_s);
    if (at >= 0 && at + 1 < args.size())
        count = args.at(at + 1).toLongLong();

    QElapsedTimer timer;
    timer.start();
    std::mt19937_64 rng(20251124);
    const int classes = 30, perClass = 25, specialists = 3;
    const QStringList firsts{u"Mia"_s, u"Liam"_s, u"Aroha"_s, u"Zoë"_s, u"José"_s, u"Finn"_s, u"Ava"_s, u"Noah"_s,
                             u"Siobhán"_s, u"Kai"_s, u"Isla"_s, u"Ravi"_s};
    const QStringList lasts{u"Van der Berg"_s, u"Te Whata"_s, u"De Silva"_s, u"O'Brien"_s, u"Smith-Jones"_s,
                            u"Nguyen"_s, u"da Costa"_s, u"Chen"_s, u"Patel"_s, u"Walker"_s, u"Kowalski"_s};
    const QStringList locations{u"Classroom"_s, u"Yard"_s, u"Transition"_s, u"Online"_s, u"Specialist"_s};
    std::vector<QString> codes, homeroom, spec;
    for (int c = 0; c < classes; ++c) {
        codes.push_back(u"%1%2%3"_s.arg(c % 7).arg(QChar(u'A' + c % 26)).arg(QChar(u'J' + c % 11)));
        homeroom.push_back(u"teacher.%1@school.example"_s.arg(QChar(u'a' + c % 26)) + QString::number(c));
    }
    for (int s = 0; s < specialists; ++s)
        spec.push_back(u"specialist.%1@school.example"_s.arg(s));
    struct Kid { QString id, name, variant; int cls; };
    std::vector<Kid> kids;
    for (int c = 0; c < classes; ++c)
        for (int k = 0; k < perClass; ++k) {
            const QString name = firsts[qsizetype(rng() % firsts.size())] + u' ' + lasts[qsizetype(rng() % lasts.size())];
            kids.push_back(Kid{QString::number(1000 + c * perClass + k), name, name.toUpper(), c});
        }
    std::vector<tt::IncidentRecord> records(static_cast<size_t>(count));
    const qint64 start = 1738368000000; // 2025-02-01
    for (qint64 i = 0; i < count; ++i) {
        tt::IncidentRecord &r = records[size_t(i)];
        const Kid &kid = kids[rng() % kids.size()];
        const bool bySpecialist = rng() % 5 == 0;
        r.uuid = u"00000000-0000-4000-8000-%1"_s.arg(i, 12, 10, QChar(u'0'));
        r.timestampMs = start + i * 25000;
        r.type = rng() % 3 == 0 ? tt::RecordType::Commendation : tt::RecordType::Incident;
        r.studentId = kid.id;
        r.studentName = rng() % 50 == 0 ? kid.variant : kid.name;
        r.level = u"Minor"_s;
        r.category = u"Disruption"_s;
        r.location = bySpecialist ? locations[4] : locations[qsizetype(rng() % 4)];
        r.teacherEmail = bySpecialist ? spec[rng() % spec.size()] : homeroom[size_t(kid.cls)];
        r.classCode = rng() % 50 == 0 ? QString() : codes[size_t(kid.cls)];
        if (rng() % 1000 == 0)
            r.studentId.clear();
    }
    const qint64 genMs = timer.restart();

    tt::RosterBuilder builder;
    const tt::Roster roster = builder.build(records, {}, {}, {});
    const qint64 buildMs = timer.elapsed();

    struct rusage ru {};
    getrusage(RUSAGE_SELF, &ru);
    std::printf("records: %lld (generated in %lld ms)\n", static_cast<long long>(count), static_cast<long long>(genMs));
    std::printf("build(): %lld ms, %.0f records/s\n", static_cast<long long>(buildMs),
                buildMs > 0 ? double(count) * 1000.0 / double(buildMs) : 0.0);
    std::printf("teachers %zu, classrooms %zu, students %zu, conflicts %zu; linked student %lld, classroom %lld\n",
                roster.teachers.size(), roster.classrooms.size(), roster.students.size(), roster.conflicts.size(),
                static_cast<long long>(roster.summary.student), static_cast<long long>(roster.summary.classroom));
    std::printf("peak RSS: %ld MiB\n", ru.ru_maxrss / 1024);
    return buildMs < 2000 ? 0 : 1;
}
