// The event categories' errors; each becomes problem+json with code `events.<snake_case key>`.
import { defineErrors } from '../../../http/errors.js';

export const CategoryErrors = defineErrors('events', {
  categoryNotFound: [404, 'Event category not found'],
  categoryVersionNotFound: [404, 'That version of the event category does not exist'],
  categoryExists: [409, 'An event category with this code exists already'],
  categoryVersionConflict: [409, 'The category was changed by someone else; reload it and try again'],
  unknownParentCategory: [422, 'The parent category does not exist'],
  parentCategoryInactive: [422, 'The parent category is retired'],
  categoryCycle: [422, 'A category cannot be moved under itself or its own sub-categories'],
  categoryTooDeep: [422, 'Categories nest at most three levels deep'],
  unknownDepartment: [422, 'The department does not exist'],
  categoryHasActiveChildren: [422, 'Retire the sub-categories first'],
});
