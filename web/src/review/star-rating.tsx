import { reviewRatingMax } from "@guestcard/shared";
import { useTexts } from "../i18n";
import { haptic } from "../telegram";

const stars = Array.from({ length: reviewRatingMax }, (_, index) => index + 1);

/**
 * One to five stars, or none: the rating is optional. Real radio buttons under the stars, so a
 * screen reader announces "3 of 5, selected" and arrow keys work; tapping the chosen star again
 * clears it (a radio's change event does not fire for that, its click does).
 */
export function StarRating({
  value,
  onChange,
}: {
  value: number | null;
  onChange: (value: number | null) => void;
}) {
  const texts = useTexts();
  return (
    <fieldset className="star-rating">
      <legend className="visually-hidden">{texts.reviewRatingLabel}</legend>
      {stars.map((star) => (
        <label key={star} className={`star${value !== null && star <= value ? " star-on" : ""}`}>
          <input
            type="radio"
            name="rating"
            value={star}
            checked={value === star}
            aria-label={texts.reviewStarLabel(star)}
            onChange={() => {
              haptic.tap();
              onChange(star);
            }}
            onClick={() => {
              if (value === star) {
                haptic.tap();
                onChange(null);
              }
            }}
          />
          <svg viewBox="0 0 24 24" width="36" height="36" aria-hidden="true">
            <path d="M12 2.8l2.8 5.9 6.4.8-4.7 4.4 1.2 6.4L12 17.2l-5.7 3.1 1.2-6.4-4.7-4.4 6.4-.8z" />
          </svg>
        </label>
      ))}
    </fieldset>
  );
}

/** The rating in a list: filled and empty stars, read out as "4 of 5". */
export function StarsShown({ rating }: { rating: number }) {
  const texts = useTexts();
  return (
    <span className="stars-shown" role="img" aria-label={texts.reviewStarLabel(rating)}>
      {"★".repeat(rating)}
      <span className="stars-shown-empty">{"★".repeat(reviewRatingMax - rating)}</span>
    </span>
  );
}
