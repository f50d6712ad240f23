import { Spin } from 'antd';
import { useEffect } from 'react';
import { navigate } from '../router/router';

/** Residents report and follow their reports on the reporting page (随手拍); this path leads there. */
export default function ResidentPage() {
  useEffect(() => navigate('/report/mine', { replace: true }), []);
  return <Spin className="page-spin" />;
}
