#include "rosterrules.h"

#include "namesplitter.h"

#include <QCoreApplication>
#include <QHash>
#include <QMap>
#include <algorithm>

namespace tt::rules {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text, const char *disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("tt::RosterRules", text, disambiguation, n);
}

bool overlaps(const ClassSpan &a, const ClassSpan &b, qint64 minOverlapMs)
{
    const qint64 from = std::max(a.firstMs, b.firstMs), to = std::min(a.lastMs, b.lastMs);
    return to - from >= minOverlapMs;
}

bool hasClass(const IdEvidence &e, const QString &classKey)
{
    return std::any_of(e.classes.begin(), e.classes.end(), [&](const ClassSpan &s) { return s.classKey == classKey; });
}

QString classList(const IdEvidence &e)
{
    QStringList out;
    for (const ClassSpan &s : e.classes)
        out.append(s.code.isEmpty() ? s.classKey : s.code);
    out.sort();
    return out.isEmpty() ? tr("no class") : out.join(u", "_s);
}

QString describeId(const IdEvidence &e)
{
    return tr("%1 ('%2', %3 logs, %4%5)")
        .arg(e.id, e.mainName())
        .arg(e.logs)
        .arg(classList(e), e.onSchoolList ? tr(", on the school's list") : QString());
}

int zeros(const QString &id)
{
    int n = 0;
    while (n < id.size() && id.at(n) == u'0')
        ++n;
    return n;
}

// Does from belong to into? Names agree loosely and classes do not contradict.
bool twins(const IdEvidence &from, const IdEvidence &into)
{
    const QString a = from.mainName(), b = into.mainName();
    if (a.isEmpty() || b.isEmpty())
        return false; // no name to compare: never merge blind
    return sameNameLoosely(a, b) && classesConsistent(from, into);
}

} // namespace

QString strippedId(const QString &id)
{
    for (const QChar c : id)
        if (!c.isDigit())
            return id;
    qsizetype i = 0;
    while (i + 1 < id.size() && id.at(i) == u'0')
        ++i;
    return id.mid(i);
}

int editDistance(const QString &a, const QString &b, int limit)
{
    const qsizetype n = a.size(), m = b.size();
    if (std::abs(int(n - m)) > limit)
        return limit + 1;
    // optimal string alignment: Levenshtein plus adjacent transpositions
    std::vector<int> prev2(size_t(m + 1)), prev(size_t(m + 1)), cur(size_t(m + 1));
    for (qsizetype j = 0; j <= m; ++j)
        prev[size_t(j)] = int(j);
    for (qsizetype i = 1; i <= n; ++i) {
        cur[0] = int(i);
        int rowMin = cur[0];
        for (qsizetype j = 1; j <= m; ++j) {
            const int cost = a.at(i - 1) == b.at(j - 1) ? 0 : 1;
            int v = std::min({prev[size_t(j)] + 1, cur[size_t(j - 1)] + 1, prev[size_t(j - 1)] + cost});
            if (i > 1 && j > 1 && a.at(i - 1) == b.at(j - 2) && a.at(i - 2) == b.at(j - 1))
                v = std::min(v, prev2[size_t(j - 2)] + 1);
            cur[size_t(j)] = v;
            rowMin = std::min(rowMin, v);
        }
        if (rowMin > limit)
            return limit + 1;
        std::swap(prev2, prev);
        std::swap(prev, cur);
    }
    return std::min(prev[size_t(m)], limit + 1);
}

bool sameNameLoosely(const QString &a, const QString &b)
{
    const QString ka = normalisedNameKey(a), kb = normalisedNameKey(b);
    if (ka.isEmpty() || kb.isEmpty())
        return false;
    if (ka == kb)
        return true;
    return std::min(ka.size(), kb.size()) >= 7 && editDistance(ka, kb, 1) <= 1;
}

QString IdEvidence::mainName() const
{
    if (!listName.trimmed().isEmpty())
        return listName.simplified();
    const SpellingCount *best = nullptr;
    for (const SpellingCount &s : names)
        if (!best || s.logs > best->logs || (s.logs == best->logs && s.spelling < best->spelling))
            best = &s;
    return best ? best->spelling.simplified() : QString();
}

bool classesConsistent(const IdEvidence &a, const IdEvidence &b, qint64 toleranceMs)
{
    for (const ClassSpan &x : a.classes) {
        for (const ClassSpan &y : b.classes) {
            if (x.classKey == y.classKey || !overlaps(x, y, toleranceMs))
                continue;
            // different classes at the same time: a move only when one side knows both classes
            if (!hasClass(a, y.classKey) && !hasClass(b, x.classKey))
                return false;
        }
    }
    return true;
}

TwinResult leadingZeroTwins(const std::vector<IdEvidence> &ids, const QSet<QString> &keepApart)
{
    TwinResult out;
    QMap<QString, std::vector<int>> groups; // sorted: stable output
    for (int i = 0; i < int(ids.size()); ++i)
        groups[strippedId(ids[size_t(i)].id)].push_back(i);
    for (auto it = groups.cbegin(); it != groups.cend(); ++it) {
        const std::vector<int> &g = it.value();
        if (g.size() < 2)
            continue;
        std::vector<int> listed, logged;
        for (int i : g)
            (ids[size_t(i)].onSchoolList ? listed : logged).push_back(i);
        // The target: the one list id; without the list, the form with the most zeros (a spreadsheet drops zeros,
        // it never adds them).
        int target = -1;
        if (listed.size() == 1) {
            target = listed.front();
        } else if (listed.empty()) {
            target = *std::max_element(g.begin(), g.end(), [&](int x, int y) {
                return zeros(ids[size_t(x)].id) < zeros(ids[size_t(y)].id);
            });
        }
        QStringList asked;
        for (int i : (target < 0 ? logged : g)) {
            if (i == target)
                continue;
            const IdEvidence &from = ids[size_t(i)];
            if (keepApart.contains(from.id) || from.onSchoolList)
                continue;
            if (target >= 0 && zeros(from.id) < zeros(ids[size_t(target)].id) && twins(from, ids[size_t(target)])) {
                const IdEvidence &into = ids[size_t(target)];
                out.merges.push_back(TwinMerge{
                    from.id, into.id,
                    tr("Student ids %1 and %2 differ only by leading zeros, with the same name and consistent "
                       "classes: one student, %3. Evidence: %4; %5.")
                        .arg(from.id, into.id, into.id, describeId(from), describeId(into))});
            } else {
                asked.append(describeId(from));
            }
        }
        if (!asked.isEmpty()) {
            QStringList all, described;
            for (int i : g) {
                all.append(ids[size_t(i)].id);
                described.append(describeId(ids[size_t(i)]));
            }
            all.sort();
            out.questions.push_back(TwinQuestion{
                all, tr("Student ids %1 differ only by leading zeros, but the evidence does not show one student "
                        "(names or classes differ, or several ids fit): %2. They are kept apart: merge them if they "
                        "are the same student.")
                         .arg(all.join(u", "_s), described.join(u"; "_s))});
        }
    }
    return out;
}

SpellingVerdict majoritySpelling(const std::vector<SpellingCount> &spellings, const QString &chosen,
                                 int minMajorityLogs)
{
    // logs per normalised key: case, spacing and diacritics variants count together
    QHash<QString, int> byKey;
    for (const SpellingCount &s : spellings)
        byKey[normalisedNameKey(s.spelling)] += s.logs;
    const QString chosenKey = normalisedNameKey(chosen);
    const int majority = byKey.value(chosenKey);
    SpellingVerdict v;
    v.settled = true;
    QStringList parts;
    std::vector<SpellingCount> sorted = spellings;
    std::stable_sort(sorted.begin(), sorted.end(), [](const SpellingCount &a, const SpellingCount &b) {
        return a.logs > b.logs;
    });
    for (const SpellingCount &s : sorted) {
        const QString key = normalisedNameKey(s.spelling);
        if (s.spelling == chosen) {
            parts.append(tr("'%1' %2 logs (chosen)").arg(s.spelling).arg(s.logs));
            continue;
        }
        if (key == chosenKey) {
            parts.append(tr("'%1' %2 (case, spacing or accents only)").arg(s.spelling).arg(s.logs));
            continue;
        }
        const int theirs = byKey.value(key);
        const bool oneEdit = editDistance(key, chosenKey, 1) <= 1;
        if (oneEdit && majority >= 2 * theirs && majority >= minMajorityLogs) {
            parts.append(tr("'%1' %2 (one letter off, against %3)").arg(s.spelling).arg(s.logs).arg(majority));
        } else {
            v.settled = false;
            parts.append(oneEdit ? tr("'%1' %2 (one letter off, no clear majority)").arg(s.spelling).arg(s.logs)
                                 : tr("'%1' %2 (another name?)").arg(s.spelling).arg(s.logs));
        }
    }
    v.detail = parts.join(u"; "_s);
    return v;
}

NamesakeVerdict namesakes(const IdEvidence &a, const IdEvidence &b, qint64 minOverlapMs)
{
    NamesakeVerdict v;
    const QString evidence = tr("%1; %2").arg(describeId(a), describeId(b));
    if (a.onSchoolList && b.onSchoolList) {
        v.settledBy = QString::fromLatin1(NamesakesOnSchoolList);
        v.detail = tr("Two students share a name; the school's list has both ids: %1.").arg(evidence);
        return v;
    }
    for (const ClassSpan &x : a.classes) {
        for (const ClassSpan &y : b.classes) {
            if (x.classKey != y.classKey && overlaps(x, y, minOverlapMs)) {
                v.settledBy = QString::fromLatin1(NamesakesDifferentClasses);
                v.detail = tr("Two students share a name: their logs put them in %1 and %2 over the same weeks: %3.")
                               .arg(x.code.isEmpty() ? x.classKey : x.code, y.code.isEmpty() ? y.classKey : y.code, evidence);
                return v;
            }
        }
    }
    v.detail = tr("The same name under two student ids; the logs cannot tell one student from two: %1.").arg(evidence);
    return v;
}

} // namespace tt::rules
