// dayjs for the date pickers, with the Chinese locale loaded: antd's pickers take month and weekday
// names from dayjs, which otherwise knows only English.
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';

export { dayjs };
