namespace Compozy.Data.Sqlite.Knowledge;

/// <summary>
/// The k best candidates seen so far, in a binary heap whose root is the worst of them, so that
/// a scan keeps O(k) memory and pays O(log k) only for candidates that beat the current k-th.
/// Equal keys are ordered by chunk id (ordinal): the result does not depend on scan order.
/// </summary>
internal sealed class EmbeddedTopK
{
    private readonly double[] _keys;
    private readonly string[] _ids;
    private int _count;

    public EmbeddedTopK(int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        _keys = new double[k];
        _ids = new string[k];
    }

    /// <summary>The rank key a candidate must beat to enter (any when not full).</summary>
    public double Threshold => _count < _keys.Length ? double.NegativeInfinity : _keys[0];

    /// <summary>Offers a candidate (higher key is better).</summary>
    public void Offer(double key, string id)
    {
        if (_count < _keys.Length)
        {
            var index = _count++;
            _keys[index] = key;
            _ids[index] = id;
            SiftUp(index);
            return;
        }

        if (!IsBetter(key, id, _keys[0], _ids[0]))
        {
            return;
        }

        _keys[0] = key;
        _ids[0] = id;
        SiftDown(0);
    }

    /// <summary>The kept candidates, best first, as (rank key, id).</summary>
    public List<(double Key, string Id)> ToBestFirst()
    {
        var result = new List<(double Key, string Id)>(_count);
        for (var index = 0; index < _count; index++)
        {
            result.Add((_keys[index], _ids[index]));
        }

        result.Sort((left, right) => IsBetter(left.Key, left.Id, right.Key, right.Id) ? -1 : IsBetter(right.Key, right.Id, left.Key, left.Id) ? 1 : 0);
        return result;
    }

    private static bool IsBetter(double key, string id, double otherKey, string otherId) =>
        key > otherKey || (key == otherKey && string.CompareOrdinal(id, otherId) < 0);

    private void SiftUp(int index)
    {
        while (index > 0)
        {
            var parent = (index - 1) / 2;
            if (!IsBetter(_keys[parent], _ids[parent], _keys[index], _ids[index]))
            {
                return;
            }

            Swap(index, parent);
            index = parent;
        }
    }

    private void SiftDown(int index)
    {
        while (true)
        {
            var worst = index;
            var left = (2 * index) + 1;
            var right = left + 1;
            if (left < _count && IsBetter(_keys[worst], _ids[worst], _keys[left], _ids[left]))
            {
                worst = left;
            }

            if (right < _count && IsBetter(_keys[worst], _ids[worst], _keys[right], _ids[right]))
            {
                worst = right;
            }

            if (worst == index)
            {
                return;
            }

            Swap(index, worst);
            index = worst;
        }
    }

    private void Swap(int first, int second)
    {
        (_keys[first], _keys[second]) = (_keys[second], _keys[first]);
        (_ids[first], _ids[second]) = (_ids[second], _ids[first]);
    }
}
