#pragma once
// Copy-on-write holder for the project's large vectors (a million records): copying a Project shares them,
// so a snapshot for a background save or a task costs nothing on the GUI thread; the first mutable access on
// a shared copy detaches it. Copies may be read from other threads at the same time (reads only); only the
// owning thread mutates, and only after detaching.
#include <memory>
#include <utility>

namespace tt {

template <class T>
class Cow
{
public:
    Cow() : m_d(std::make_shared<T>()) {}
    const T &operator*() const { return *m_d; }
    const T *operator->() const { return m_d.get(); }
    T &mut()
    {
        if (m_d.use_count() > 1)
            m_d = std::make_shared<T>(std::as_const(*m_d));
        return *m_d;
    }
    bool isShared() const { return m_d.use_count() > 1; }

private:
    std::shared_ptr<T> m_d;
};

} // namespace tt
