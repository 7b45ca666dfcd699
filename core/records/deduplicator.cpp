#include "deduplicator.h"

#include <algorithm>

namespace tt {

DedupeResult deduplicate(const std::vector<IncidentRecord> &records, const QHash<QString, RecordKey> &choices)
{
    DedupeResult out;
    const size_t n = records.size();
    out.status.assign(n, RecordStatus::Accepted);
    constexpr quint32 none = 0xffffffffu;
    // First index per uuid, and a chain linking later records with the same uuid.
    QHash<QString, quint32> first;
    first.reserve(qsizetype(n));
    std::vector<quint32> next(n, none);
    QHash<quint32, quint32> tails;
    std::vector<quint32> heads;
    for (quint32 i = 0; i < n; ++i) {
        auto it = first.constFind(records[i].uuid);
        if (it == first.constEnd()) {
            first.insert(records[i].uuid, i);
            continue;
        }
        const quint32 head = it.value();
        auto t = tails.find(head);
        if (t == tails.end()) {
            next[head] = i;
            tails.insert(head, i);
            heads.push_back(head);
        } else {
            next[t.value()] = i;
            t.value() = i;
        }
    }
    std::sort(heads.begin(), heads.end());
    auto sheetOrder = [&records](quint32 a, quint32 b) {
        const IncidentRecord &x = records[a], &y = records[b];
        if (x.sourceIndex != y.sourceIndex)
            return x.sourceIndex < y.sourceIndex;
        return x.sourceRow < y.sourceRow;
    };
    out.groups.reserve(heads.size());
    for (quint32 head : heads) {
        DuplicateGroup g;
        g.uuid = records[head].uuid;
        for (quint32 i = head; i != none; i = next[i])
            g.members.push_back(i);
        std::sort(g.members.begin(), g.members.end(), sheetOrder);
        g.chosen = g.members.back(); // the later row in the sheet
        auto c = choices.constFind(g.uuid);
        if (c != choices.constEnd()) {
            for (quint32 m : g.members) {
                if (records[m].sourceIndex == c->sourceIndex && records[m].sourceRow == c->row) {
                    g.chosen = m;
                    g.chosenByUser = true;
                }
            }
        }
        for (quint32 m : g.members) {
            if (m == g.chosen)
                continue;
            if (records[m].sameContent(records[g.chosen])) {
                out.status[m] = RecordStatus::DuplicateIdentical;
                ++out.identical;
            } else {
                out.status[m] = RecordStatus::DuplicateConflicting;
                ++out.conflicting;
                g.conflicting = true;
            }
        }
        out.groups.push_back(std::move(g));
    }
    out.accepted = qint64(n) - out.identical - out.conflicting;
    return out;
}

} // namespace tt
