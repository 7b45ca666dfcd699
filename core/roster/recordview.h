#pragma once
// The records a roster is built from, without copying them: every record of a vector, or those of it at the given
// indices (the accepted ones of a project: buildProjectRoster). Holds pointers: the vectors must outlive it.
#include "records/incidentrecord.h"

#include <QtGlobal>
#include <vector>

namespace tt {

class RecordView
{
public:
    RecordView(const std::vector<IncidentRecord> &all) : m_all(&all) {} // NOLINT: every record, implicitly
    RecordView(const std::vector<IncidentRecord> &all, const std::vector<quint32> &indices) : m_all(&all), m_indices(&indices) {}

    size_t size() const { return m_indices ? m_indices->size() : m_all->size(); }
    const IncidentRecord &operator[](size_t i) const { return m_indices ? (*m_all)[(*m_indices)[i]] : (*m_all)[i]; }

private:
    const std::vector<IncidentRecord> *m_all;
    const std::vector<quint32> *m_indices = nullptr;
};

} // namespace tt
